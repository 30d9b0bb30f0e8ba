using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Writes a WIT variant as an abstract C# record with one nested sealed record per case.</summary>
internal sealed class VariantWriter(BindgenPlan plan, CSharpTypes types, SortedDictionary<string, string> files) : SourceWriter(plan, types, files)
{
    public void Write(NamedType t, WitVariant v)
    {
        var w = NewFile();
        var scope = new NameScope(false, [t.Name, "Value", .. RecordReserved]);
        w.Summary($"WIT <c>{Xml(WitFingerprint.Definition(v))}</c> of {Of(v)}: one nested record per case (the payload is\n<c>Value</c>); switch on the case type: <c>x switch {{ {t.Name}.{Pascal(v.Cases[0].Name)} c =&gt; …, … }}</c>.");
        w.Line(WitAttr(v.Name ?? string.Empty));
        var caseNames = new NameScope(false, [t.Name, "Value", .. RecordReserved]);
        using (Types.Shadow(v.Cases.Select(c => caseNames.Claim(Pascal(c.Name), Pascal(c.Name) + "Case")).ToList()))
        {
            WriteVariant(w, t, v, scope);
        }

        Save(t.Name, w);
    }

    private void WriteVariant(CodeWriter w, NamedType t, WitVariant v, NameScope scope)
    {
        w.Open($"public abstract record {t.Name}");
        w.Line($"private {t.Name}()");
        w.Line("{");
        w.Line("}");
        foreach (var c in v.Cases)
        {
            var name = scope.Claim(Pascal(c.Name), Pascal(c.Name) + "Case");
            w.Line();
            w.Summary($"Case <c>{Xml(WitPrinter.Identifier(c.Name) + (c.Payload is null ? string.Empty : "(" + c.Payload + ")"))}</c>.");
            if (c.Payload is not null)
            {
                w.Line($"/// <param name=\"Value\">The payload: WIT <c>{Xml(c.Payload.ToString())}</c>.</param>");
            }

            if (name != Pascal(c.Name))
            {
                w.Line(WitAttr(c.Name));
            }

            if (c.Payload is null)
            {
                w.Line($"public sealed record {name} : {t.Name};");
            }
            else if (CSharpTypes.HasList(c.Payload))
            {
                w.Open($"public sealed record {name}({Cs(c.Payload)} Value) : {t.Name}");
                EmitEquality(w, name, ["Value"]);
                w.Close();
            }
            else
            {
                w.Line($"public sealed record {name}({Cs(c.Payload)} Value) : {t.Name};");
            }
        }

        w.Close();
    }
}
