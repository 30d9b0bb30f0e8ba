using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Writes the C# interface of an exported interface (bound with <c>GetInterface&lt;T&gt;</c>) or of an imported one (implemented by the host).</summary>
internal sealed class InterfaceWriter(BindgenPlan plan, CSharpTypes types, SortedDictionary<string, string> files) : SourceWriter(plan, types, files)
{
    public void WriteExport(Iface i)
    {
        using var shadow = Types.Shadow(i.Bound.SelectMany(f => new[] { Pascal(f.ShortName), f.ResourceName is null ? string.Empty : "Create" + Pascal(f.ResourceName), f.ResourceName is null ? string.Empty : Pascal(f.ResourceName) + Pascal(f.ShortName) }));
        var w = NewFile();
        if (i.Wit is null)
        {
            w.Summary($"The functions the component exports at the root of its world. Bind them with\n<c>instance.GetInterface&lt;{i.Name}&gt;()</c> or <c>{BindgenPlan.BindingsClass}.Bind(instance).Root</c>.");
        }
        else
        {
            w.Summary($"The exported interface <c>{Xml(i.Wit.Name)}</c>. Bind it with <c>instance.GetInterface&lt;{i.Name}&gt;()</c> or\n<c>{BindgenPlan.BindingsClass}.Bind(instance)</c>.");
        }

        w.Line(WitAttr(i.WitName));
        w.Line($"[global::WasmDynamic.GeneratedBinding({Literal(i.WitName)}, {Literal(WitFingerprint.Compute(i.WitName, i.AllFunctions(Plan.World)))})]");
        w.Open($"public interface {i.Name}");
        var names = BindingNames.MemberNames(i.Bound, i.Name);
        var first = Separated(w, Enumerable.Range(0, i.Bound.Count), k => EmitMethod(w, i.Bound[k], names[k], export: true, body: null));

        EmitSkipped(w, i, first);
        w.Close();
        Save(i.Name, w);
    }

    public void WriteImport(Iface i)
    {
        var freestanding = i.Bound.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
        if (freestanding.Count == 0 && i.Skipped.All(s => s.Function.Kind != WitFunctionKind.Freestanding))
        {
            return;
        }

        using var shadow = Types.Shadow(i.Bound.Select(f => Pascal(f.ShortName)));
        var w = NewFile();
        var add = i.Wit is null ? "AddRootImports" : "Add" + Pascal(i.Wit.ShortName);
        w.Summary(i.Wit is null
            ? $"The functions the component imports at the root of its world, implemented by the host. Supply them with\n<c>new ComponentImports().{add}(new MyImports())</c> ({BindgenPlan.BindingsClass}), or one delegate each with\n<c>imports.Add(\"name\", delegate)</c>."
            : $"The imported interface <c>{Xml(i.Wit.Name)}</c>, implemented by the host. Supply an implementation with\n<c>new ComponentImports().{add}(new MyImpl())</c> ({BindgenPlan.BindingsClass}), or with\n<c>imports.Add({Xml(Literal(i.Wit.Name))}, obj)</c> for an object whose public methods match by name.");
        w.Line(WitAttr(i.WitName));
        w.Open($"public interface {i.Name}");
        var first = Separated(w, freestanding, f => EmitMethod(w, f, Pascal(f.ShortName), export: false, body: null));

        EmitSkipped(w, i, first);
        w.Close();
        Save(i.Name, w);
    }
}
