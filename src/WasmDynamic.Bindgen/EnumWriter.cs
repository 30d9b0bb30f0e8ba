using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Writes a WIT enum as a C# enum and WIT flags as a <c>[Flags]</c> enum of the policy's underlying type.</summary>
internal sealed class EnumWriter(BindgenPlan plan, CSharpTypes types, SortedDictionary<string, string> files) : SourceWriter(plan, types, files)
{
    public void Write(NamedType t, IReadOnlyList<string> cases, bool flags)
    {
        var w = NewFile();
        var scope = new NameScope(true, t.Name, "value__");
        var noneTaken = flags && cases.Any(c => string.Equals(Pascal(c), "None", StringComparison.OrdinalIgnoreCase));
        if (flags && !noneTaken)
        {
            scope.Reserve("None");
        }

        var underlying = flags ? ClrTypeMap.FlagsUnderlyingKeyword(cases.Count) : null;
        var one = underlying switch { "uint" => "1u", "ulong" => "1ul", _ => "1" };
        w.Summary($"WIT <c>{Xml(WitFingerprint.Definition(t.Wit))}</c> of {Of(t.Wit)}.");
        w.Line(WitAttr(t.Wit.Name ?? string.Empty));
        if (flags)
        {
            w.Line("[global::System.Flags]");
        }

        w.Open($"public enum {t.Name}{(underlying is null ? string.Empty : " : " + underlying)}");
        if (flags && !noneTaken)
        {
            w.Summary("No flag set.");
            w.Line("None = 0,");
            w.Line();
        }

        for (var i = 0; i < cases.Count; i++)
        {
            var name = scope.Claim(Pascal(cases[i]), Pascal(cases[i]) + "Value");
            w.Summary($"WIT {(flags ? "flag" : "case")} <c>{Xml(WitPrinter.Identifier(cases[i]))}</c>.");
            if (name != Pascal(cases[i]) || cases.Count(c => string.Equals(Pascal(c), Pascal(cases[i]), StringComparison.OrdinalIgnoreCase)) > 1)
            {
                w.Line(WitAttr(cases[i]));
            }

            w.Line(flags ? $"{name} = {one} << {i}," : $"{name},");
            if (i < cases.Count - 1)
            {
                w.Line();
            }
        }

        w.Close();
        Save(t.Name, w);
    }
}
