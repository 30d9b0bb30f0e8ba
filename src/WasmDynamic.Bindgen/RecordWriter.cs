using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Writes a WIT record as a sealed C# record (positional when the names allow), with list-aware equality where needed.</summary>
internal sealed class RecordWriter(BindgenPlan plan, CSharpTypes types, SortedDictionary<string, string> files) : SourceWriter(plan, types, files)
{
    public void Write(NamedType t, WitRecord r)
    {
        var w = NewFile();
        var scope = new NameScope(false, [t.Name, .. RecordReserved]);
        var members = r.Fields.Select(f => (Field: f, Name: scope.Claim(Pascal(f.Name), Pascal(f.Name) + "Field"))).ToList();
        var positional = members.All(m => m.Name == Pascal(m.Field.Name));
        w.Summary($"WIT <c>{Xml(WitFingerprint.Definition(r))}</c> of {Of(r)}.");
        if (positional)
        {
            foreach (var m in members)
            {
                w.Line($"/// <param name=\"{m.Name}\">WIT field <c>{Xml(WitPrinter.Identifier(m.Field.Name))}: {Xml(m.Field.Type.ToString())}</c>.</param>");
            }
        }

        w.Line(WitAttr(r.Name ?? string.Empty));
        var equality = members.Any(m => CSharpTypes.HasList(m.Field.Type));
        if (positional && !equality)
        {
            w.Line($"public sealed record {t.Name}({string.Join(", ", members.Select(m => $"{Cs(m.Field.Type)} {m.Name}"))});");
            Save(t.Name, w);
            return;
        }

        w.Open(positional ? $"public sealed record {t.Name}({string.Join(", ", members.Select(m => $"{Cs(m.Field.Type)} {m.Name}"))})" : $"public sealed record {t.Name}");
        if (!positional)
        {
            foreach (var m in members)
            {
                w.Summary($"WIT field <c>{Xml(WitPrinter.Identifier(m.Field.Name))}: {Xml(m.Field.Type.ToString())}</c>.");
                w.Line(WitAttr(m.Field.Name));
                w.Line($"public required {Cs(m.Field.Type)} {m.Name} {{ get; init; }}");
                w.Line();
            }
        }

        if (equality)
        {
            EmitEquality(w, t.Name, members.Select(m => m.Name).ToList());
        }
        else
        {
            w.Line("// Value equality as records have it.");
        }

        w.Close();
        Save(t.Name, w);
    }
}
