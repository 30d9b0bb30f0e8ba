using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Writes the C# interface of an exported interface (bound with <c>GetInterface&lt;T&gt;</c>) or of an imported one (implemented by the host).</summary>
internal sealed class InterfaceWriter(BindgenPlan plan, CSharpTypes types, SortedDictionary<string, string> files) : SourceWriter(plan, types, files)
{
    public void WriteExport(Iface i)
    {
        var names = BindingNames.MemberNames(i.Bound, i.Name);
        var async = Plan.Async ? Enumerable.Range(0, i.Bound.Count).Where(k => i.Bound[k].Kind == WitFunctionKind.Freestanding).ToArray() : [];
        var asyncNames = AsyncNames(async.Select(k => names[k]).ToList(), [i.Name, .. names]);
        using var shadow = Types.Shadow(i.Bound.SelectMany(f => new[] { Pascal(f.ShortName), f.ResourceName is null ? string.Empty : "Create" + Pascal(f.ResourceName), f.ResourceName is null ? string.Empty : Pascal(f.ResourceName) + Pascal(f.ShortName) }).Concat(asyncNames));
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

        // Each function, then (with BindgenOptions.Async) its Task-returning twin right after it.
        var members = new List<Action>();
        for (var k = 0; k < i.Bound.Count; k++)
        {
            var f = i.Bound[k];
            var name = names[k];
            members.Add(() => EmitMethod(w, f, name, export: true, body: null));
            var j = Array.IndexOf(async, k);
            if (j >= 0)
            {
                var asyncName = asyncNames[j];
                members.Add(() => EmitAsyncMethod(w, f, asyncName, export: true, body: null));
            }
        }

        var first = Separated(w, members, m => m());

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

        var names = ImportNames(freestanding);
        using var shadow = Types.Shadow(names);
        var w = NewFile();
        var add = i.Wit is null ? "AddRootImports" : "Add" + Pascal(i.Wit.ShortName);
        w.Summary(i.Wit is null
            ? $"The functions the component imports at the root of its world, implemented by the host. Supply them with\n<c>new ComponentImports().{add}(new MyImports())</c> ({BindgenPlan.BindingsClass}), or one delegate each with\n<c>imports.Add(\"name\", delegate)</c>."
            : $"The imported interface <c>{Xml(i.Wit.Name)}</c>, implemented by the host. Supply an implementation with\n<c>new ComponentImports().{add}(new MyImpl())</c> ({BindgenPlan.BindingsClass}), or with\n<c>imports.Add({Xml(Literal(i.Wit.Name))}, obj)</c> for an object whose public methods match by name.");
        w.Line(WitAttr(i.WitName));
        w.Open($"public interface {i.Name}");
        var first = Separated(w, Enumerable.Range(0, freestanding.Count), k =>
        {
            if (Plan.Async)
            {
                EmitAsyncMethod(w, freestanding[k], names[k], export: false, body: null);
            }
            else
            {
                EmitMethod(w, freestanding[k], names[k], export: false, body: null);
            }
        });

        EmitSkipped(w, i, first);
        w.Close();
        Save(i.Name, w);
    }
}
