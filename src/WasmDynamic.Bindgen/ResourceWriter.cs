using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Writes a guest resource as an <see cref="IDisposable"/> interface and a host resource as an abstract class (plus its statics interface).</summary>
internal sealed class ResourceWriter(BindgenPlan plan, CSharpTypes types, SortedDictionary<string, string> files) : SourceWriter(plan, types, files)
{
    public void WriteGuest(NamedType t, WitResource r)
    {
        using var shadow = Types.Shadow(Plan.ResourceFunctions(r).Where(f => f.Kind != WitFunctionKind.Constructor).Select(f => Pascal(f.ShortName)));
        var w = NewFile();
        var owner = Plan.Exports.FirstOrDefault(i => i.Wit?.Name == r.Owner);
        var functions = Plan.ResourceFunctions(r).ToList();
        var ctor = functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Constructor);
        w.Summary($"WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c> of {Of(r)}, implemented by the component: each object holds a handle.\n"
            + (ctor is null ? string.Empty : $"Create one with <c>{owner?.Name}.{BindingNames.DefaultName(ctor)}(…)</c>. ")
            + "Dispose it to drop the handle (for an owned handle the component's destructor runs); passing it where WIT\n"
            + "takes an owned handle moves it into the component.");
        w.Line(WitAttr(r.Name!));
        w.Open($"public interface {t.Name} : global::System.IDisposable");
        var methods = functions.Where(f => f.Kind == WitFunctionKind.Method).ToList();
        var bound = methods.Where(f => BindgenPlan.Unsupported(f) is null).ToList();
        var names = BindingNames.MemberNames(bound, t.Name, nameof(IDisposable.Dispose));
        Separated(w, methods, f =>
        {
            if (BindgenPlan.Unsupported(f) is { } why)
            {
                w.Line($"// Not bound: '{f.Signature}': {why}.");
            }
            else
            {
                EmitMethod(w, f, names[bound.IndexOf(f)], export: true, body: null);
            }
        });

        w.Close();
        Save(t.Name, w);
    }

    public void WriteHost(NamedType t, WitResource r)
    {
        using var shadow = Types.Shadow(Plan.ResourceFunctions(r).Where(f => f.Kind != WitFunctionKind.Constructor).Select(f => Pascal(f.ShortName)));
        var w = NewFile();
        var functions = Plan.ResourceFunctions(r).Where(f => BindgenPlan.Unsupported(f) is null).ToList();
        var ctor = functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Constructor);
        var statics = functions.Where(f => f.Kind == WitFunctionKind.Static).ToList();
        var register = $"Register the class with <c>imports.Add{Pascal(r.Name!)}&lt;MyClass&gt;()</c> ({BindgenPlan.BindingsClass}) or\n<c>imports.AddResource&lt;MyClass&gt;({Xml(Literal(r.Owner ?? string.Empty))}, {Xml(Literal(r.Name!))})</c>. ";
        w.Summary($"WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c> of {Of(r)}, implemented by the host: derive a class from it\n"
            + (ctor is null ? string.Empty : $"with a public constructor <c>({Xml(string.Join(", ", ctor.Parameters.Select(p => Cs(p.Type) + " " + Escape(Camel(p.Name)))))})</c> for WIT <c>{Xml(ctor.Signature)}</c>\n")
            + (statics.Count == 0 ? string.Empty : $"that also implements <c>{t.StaticsName}&lt;TSelf&gt;</c> (the static functions), ")
            + $"and override its methods. {register}Each handle the component holds is one object; when the\ncomponent drops its handle the object is disposed.");
        w.Line(WitAttr(r.Name!));
        w.Open($"public abstract class {t.Name} : global::System.IDisposable");
        var methods = functions.Where(f => f.Kind == WitFunctionKind.Method).ToList();
        var names = BindingNames.MemberNames(methods, t.Name, "Dispose", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize");
        for (var k = 0; k < methods.Count; k++)
        {
            var f = methods[k];
            EmitMethod(w, f, names[k], export: false, body: null, modifiers: "public abstract ");
            w.Line();
        }

        foreach (var f in Plan.ResourceFunctions(r).Where(f => BindgenPlan.Unsupported(f) is not null))
        {
            w.Line($"// Not bound: '{f.Signature}': {BindgenPlan.Unsupported(f)}. Instantiate with TrapUnimplementedImports to run without it.");
            w.Line();
        }

        w.Summary("Called when the component drops its handle to this object.");
        w.Line("public void Dispose()");
        w.Line("{");
        w.Line("    Dispose(disposing: true);");
        w.Line("    global::System.GC.SuppressFinalize(this);");
        w.Line("}");
        w.Line();
        w.Summary("Releases what this object holds; override to clean up when the component drops its handle.");
        w.Line("/// <param name=\"disposing\">True when called from <see cref=\"Dispose()\"/>.</param>");
        w.Line("protected virtual void Dispose(bool disposing)");
        w.Line("{");
        w.Line("}");
        w.Close();

        if (t.StaticsName is not null)
        {
            w.Line();
            w.Summary($"The static functions of WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c>, which the class implementing <see cref=\"{t.Name}\"/>\nprovides as public static methods.");
            w.Line($"/// <typeparam name=\"TSelf\">The class that implements <see cref=\"{t.Name}\"/>.</typeparam>");
            w.Line($"public interface {t.StaticsName}<TSelf>");
            w.Open($"    where TSelf : {t.Name}, {t.StaticsName}<TSelf>");
            var staticScope = new NameScope(false, t.StaticsName);
            Separated(w, statics, f => EmitMethod(w, f, staticScope.Claim(Pascal(f.ShortName), Pascal(f.ShortName) + "Static"), export: false, body: null, modifiers: "static abstract "));

            w.Close();
        }

        Save(t.Name, w);
    }
}
