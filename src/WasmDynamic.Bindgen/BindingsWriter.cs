using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Writes <c>WitBindings</c>: the fingerprints and WIT names of the generated interfaces, <c>Bind</c> for every export, and the <c>Add…</c> registrations of host implementations.</summary>
internal sealed class BindingsWriter(BindgenPlan plan, CSharpTypes types, SortedDictionary<string, string> files) : SourceWriter(plan, types, files)
{
    private const string Imports = "global::WasmDynamic.ComponentImports";

    /// <summary>The delegate type of an async host function: <c>Func&lt;…, CancellationToken, Task&lt;T&gt;&gt;</c>.</summary>
    private string AsyncDelegate(WitFunction f) =>
        $"global::System.Func<{string.Join(", ", BindingMessages.ClrParameters(f).Select(p => Cs(p.Type)).Append(CancellationToken).Append(AsyncReturnType(f)))}>";

    public void Write()
    {
        var w = NewFile();
        w.Summary("Binds every exported interface at once, registers host implementations of the imports, and records the\nWIT each generated interface was made from.");
        w.Open($"public static class {BindgenPlan.BindingsClass}");

        // Fingerprints.
        w.Summary("The fingerprint of the WIT each generated exported interface was made from (SHA-256 over the interface\nname, its function signatures and the named types they use; <c>WasmDynamic.Bindgen.Bindgen.Fingerprint</c>\ncomputes it for a component). A registration hook for a binder that trusts a generated interface whose\nfingerprint matches the component instead of checking it again.");
        w.Line("public static global::System.Collections.Generic.IReadOnlyDictionary<global::System.Type, string> Fingerprints { get; } =");
        w.Line("    new global::System.Collections.Generic.Dictionary<global::System.Type, string>");
        w.Line("    {");
        foreach (var i in Plan.Exports)
        {
            w.Line($"        [typeof({i.Name})] = {Literal(WitFingerprint.Compute(i.WitName, i.AllFunctions(Plan.World)))},");
        }

        w.Line("    };");
        w.Line();
        w.Summary("The WIT name of each generated interface (empty for the root exports and imports).");
        w.Line("public static global::System.Collections.Generic.IReadOnlyDictionary<global::System.Type, string> WitNames { get; } =");
        w.Line("    new global::System.Collections.Generic.Dictionary<global::System.Type, string>");
        w.Line("    {");
        foreach (var i in Plan.Exports.Concat(Plan.Imports).Where(i => Saved(i.Name)))
        {
            w.Line($"        [typeof({i.Name})] = {Literal(i.WitName)},");
        }

        w.Line("    };");

        // Exports.
        if (Plan.Exports.Count > 0)
        {
            var props = new NameScope(false, "Exports", "Instance", "Equals", "GetHashCode", "ToString", "GetType");
            var members = Plan.Exports.Select(i => (Iface: i, Property: props.Claim(i.Wit is null ? "Root" : Pascal(i.Wit.ShortName), i.BareName))).ToList();
            w.Line();
            w.Summary("Binds every exported interface of <paramref name=\"instance\"/> now, so a mismatch shows at once.");
            w.Line("/// <param name=\"instance\">An instance of the component these bindings were generated from.</param>");
            w.Line("/// <exception cref=\"global::WasmDynamic.ComponentBindingException\">The component does not fit the generated interfaces.</exception>");
            w.Line("public static Exports Bind(global::WasmDynamic.ComponentInstance instance) => new(instance);");
            w.Line();
            w.Summary("The typed exports of one instance.");
            w.Open("public sealed class Exports");
            w.Line("internal Exports(global::WasmDynamic.ComponentInstance instance)");
            w.Line("{");
            w.Line("    global::System.ArgumentNullException.ThrowIfNull(instance);");
            w.Line("    Instance = instance;");
            foreach (var (i, p) in members)
            {
                w.Line($"    {p} = instance.GetInterface<{i.Name}>({Literal(i.WitName)});");
            }

            w.Line("}");
            w.Line();
            w.Summary("The instance.");
            w.Line("public global::WasmDynamic.ComponentInstance Instance { get; }");
            foreach (var (i, p) in members)
            {
                w.Line();
                w.Summary(i.Wit is null ? "The root exports." : $"The exported interface <c>{Xml(i.Wit.Name)}</c>.");
                w.Line($"public {i.Name} {p} {{ get; }}");
            }

            w.Close();
        }

        // Imports.
        var adapters = new List<Action>();
        var methods = new NameScope(false, "Bind", "Exports", "Fingerprints", "WitNames");
        foreach (var i in Plan.Imports.Where(i => Saved(i.Name)))
        {
            var functions = i.Bound.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
            if (functions.Count == 0)
            {
                continue;
            }

            var add = methods.Claim(i.Wit is null ? "AddRootImports" : "Add" + Pascal(i.Wit.ShortName), "Add" + i.BareName);
            w.Line();
            w.Summary(i.Wit is null
                ? "Supplies the host functions the component imports at the root of its world."
                : $"Supplies the host implementation of the imported interface <c>{Xml(i.Wit.Name)}</c>.");
            w.Line("/// <param name=\"imports\">The imports to add to.</param>");
            w.Line("/// <param name=\"implementation\">The implementation.</param>");
            w.Line("/// <returns><paramref name=\"imports\"/>, for chaining.</returns>");
            w.Open($"public static {Imports} {add}(this {Imports} imports, {i.Name} implementation)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(imports);");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(implementation);");
            var names = ImportNames(functions);
            if (i.Wit is null)
            {
                for (var k = 0; k < functions.Count; k++)
                {
                    var type = Plan.Async ? AsyncDelegate(functions[k]) : BindingMessages.Delegate(functions[k], Cs, "global::System.");
                    w.Line($"imports.Add({Literal(functions[k].Name)}, new {type}(implementation.{names[k]}));");
                }

                w.Line("return imports;");
            }
            else
            {
                var adapter = i.BareName + "Adapter";
                w.Line($"return imports.Add({Literal(i.Wit.Name)}, new {adapter}(implementation));");
                adapters.Add(() =>
                {
                    w.Line();
                    w.Line($"// Public methods named as WasmDynamic matches them, whatever way {i.Name} is implemented.");
                    w.Open($"private sealed class {adapter}({i.Name} target)");
                    Separated(w, Enumerable.Range(0, functions.Count), k =>
                    {
                        var f = functions[k];
                        var ps = f.Parameters.Select(p => Escape(Camel(p.Name))).ToList();
                        if (Plan.Async)
                        {
                            ps.Add(TokenName(f));
                            EmitAsyncMethod(w, f, names[k], export: false, body: $"target.{names[k]}({string.Join(", ", ps)})", modifiers: "public ");
                        }
                        else
                        {
                            EmitMethod(w, f, names[k], export: false, body: $"target.{names[k]}({string.Join(", ", ps)})", modifiers: "public ");
                        }
                    });

                    w.Close();
                });
            }

            w.Close();
        }

        foreach (var t in Plan.TypeOrder.Where(t => t.Kind == TypeKind.HostResource))
        {
            var r = (WitResource)t.Wit;
            var add = methods.Claim("Add" + Pascal(r.Name!), "Add" + t.Name);
            w.Line();
            w.Summary($"Supplies <typeparamref name=\"T\"/> as the host's implementation of WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c> of {Of(r)}.");
            w.Line($"/// <typeparam name=\"T\">The class deriving from <see cref=\"{t.Name}\"/>.</typeparam>");
            w.Line("/// <param name=\"imports\">The imports to add to.</param>");
            w.Line("/// <returns><paramref name=\"imports\"/>, for chaining.</returns>");
            w.Line($"public static {Imports} {add}<T>(this {Imports} imports)");
            w.Line($"    where T : {t.Name}{(t.StaticsName is null ? string.Empty : $", {t.StaticsName}<T>")}");
            w.Line("{");
            w.Line("    global::System.ArgumentNullException.ThrowIfNull(imports);");
            w.Line($"    return imports.AddResource<T>({Literal(r.Owner ?? string.Empty)}, {Literal(r.Name!)});");
            w.Line("}");
        }

        foreach (var a in adapters)
        {
            a();
        }

        w.Close();
        Save(BindgenPlan.BindingsClass, w);
    }
}
