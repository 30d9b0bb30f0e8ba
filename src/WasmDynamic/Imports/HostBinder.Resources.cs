// HostBinder: binding the resources of an imported interface to the .NET classes that implement them (their
// constructors, methods and static functions).
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using WasmDynamic.Binding;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Imports;

internal static partial class HostBinder
{
    private sealed partial class Planner
    {
        /// <summary>Binds the resources of an imported interface to the .NET classes that implement them.</summary>
        private void BindResources(WitInterface iface, (int Index, object Implementation)? entry)
        {
            foreach (var resource in iface.Resources.Where(r => r.Owner == iface.Name))
            {
                var instance = iface.Name.Length == 0 ? null : iface.Name;
                _resources.Add(new ResourceDefinition(instance, resource.Name!, types.HostTag(resource)));
                var members = iface.Functions.Where(f => f.Kind != WitFunctionKind.Freestanding && f.ResourceName == resource.Name).ToList();

                // With no members there is nothing to bind, but a class supplied for it is not "matching no import": the
                // guest can still hold and drop handles of the resource (its destructor disposes the object).
                var (type, factory) = FindResourceClass(iface, resource, entry?.Implementation);
                if (members.Count == 0)
                {
                    continue;
                }

                if (type is null)
                {
                    if (!trapUnknown)
                    {
                        var of = instance is null ? "imported at the world level" : $"of import '{iface.Name}'";
                        _problems.Add($"resource '{resource.Name}' {of} has no implementation. Supply a class with {string.Join("; ", members.Select(m => BindingMessages.HostMember(m, TypeName) + "  // " + m.Signature))}; e.g. imports.AddResource<My{Naming.ToPascalCase(resource.Name!)}>(\"{iface.Name}\", \"{resource.Name}\").");
                    }

                    continue;
                }

                foreach (var f in members)
                {
                    var qualified = instance is null ? f.Name : $"{iface.Name}#{f.Name}";
                    BindResourceMember(instance, type, f.Kind == WitFunctionKind.Constructor ? factory : null, f, qualified);
                }
            }
        }

        /// <summary>The class implementing <paramref name="resource"/>, and where its factory is if one was given.</summary>
        private (Type? Type, (TargetSource Source, Type DelegateType)? Factory) FindResourceClass(WitInterface iface, WitResource resource, object? entry)
        {
            var keys = new[] { $"{iface.Name}#{resource.Name}", $"{iface.ParsedName.WithoutVersion}#{resource.Name}", $"{iface.ShortName}#{resource.Name}" };
            for (var i = 0; i < imports.Entries.Count; i++)
            {
                var (name, implementation) = imports.Entries[i];
                var matches = keys.Contains(name) || (iface.Name.Length == 0 && (name == resource.Name || Naming.Matches(name, resource.Name!)));
                if (matches && implementation is Type t)
                {
                    _used.Add(i);
                    return (t, null);
                }

                if (matches && implementation is ComponentImports.ResourceFactory rf)
                {
                    _used.Add(i);
                    if (!rf.Untyped)
                    {
                        return (rf.Type, (new TargetSource(i, null, null), rf.Create.GetType()));
                    }

                    return Typed(iface, resource, rf) is { } typed ? (rf.Type, (new TargetSource(i, null, typed.Wrap), typed.DelegateType)) : (rf.Type, null);
                }
            }

            // Convention: a nested class of the interface's implementation named after the resource.
            return (entry?.GetType().GetNestedTypes().FirstOrDefault(t => BindingNames.Designates(t, resource.Name!)), null);
        }

        /// <summary>
        /// For an <c>object?[]</c> factory, a wrapper making a delegate typed like the WIT constructor (default type map):
        /// <c>create =&gt; (P0 a0, P1 a1) =&gt; (T)create(new object?[] { a0, a1 })</c>, compiled once with the plan.
        /// </summary>
        private (Func<Delegate, Delegate> Wrap, Type DelegateType)? Typed(WitInterface iface, WitResource resource, ComponentImports.ResourceFactory factory)
        {
            var ctor = iface.Functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Constructor && f.ResourceName == resource.Name);
            if (ctor is null)
            {
                return null;
            }

            var create = Expression.Parameter(factory.Create.GetType(), "create");
            var ps = ctor.Parameters.Select(p => Expression.Parameter(types.DataTypes.ClrType(p.Type), Naming.ToCamelCase(p.Name))).ToArray();
            var args = Expression.NewArrayInit(typeof(object), ps.Select(p => Expression.Convert(p, typeof(object))));
            var delegateType = Expression.GetFuncType([.. ps.Select(p => p.Type), factory.Type]);
            var typed = Expression.Lambda(delegateType, Expression.Convert(Expression.Invoke(create, args), factory.Type), ps);
            var untyped = Expression.Parameter(typeof(Delegate), "untyped");
            var wrap = Expression.Lambda<Func<Delegate, Delegate>>(
                Expression.Invoke(Expression.Lambda(typed, create), Expression.Convert(untyped, create.Type)), untyped).Compile();
            return (wrap, delegateType);
        }

        private void BindResourceMember(string? instance, Type type, (TargetSource Source, Type DelegateType)? factory, WitFunction f, string qualified)
        {
            MethodBase? member;
            TargetSource? target = null;
            var witParams = f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1).ToList() : f.Parameters.ToList();
            if (factory is { } given)
            {
                // A factory serves [constructor]: its parameters are the WIT constructor's, its result the host object.
                var invoke = given.DelegateType.GetMethod("Invoke")!;
                if (invoke.GetParameters().Length != witParams.Count || !type.IsAssignableFrom(invoke.ReturnType))
                {
                    _problems.Add($"the factory for '{qualified}' ({f.Signature}) is {BindingMessages.Describe(given.DelegateType)}; it must take the constructor's {witParams.Count} parameter(s) and return {type.Name}: {BindingMessages.Factory(f, TypeName, type.Name)}.");
                    return;
                }

                member = invoke;
                target = given.Source;
            }
            else if (f.Kind == WitFunctionKind.Constructor)
            {
                member = type.GetConstructors().FirstOrDefault(c => c.GetParameters().Length == witParams.Count);
            }
            else
            {
                var isStatic = f.Kind == WitFunctionKind.Static;
                member = type.GetMethods(BindingFlags.Public | (isStatic ? BindingFlags.Static : BindingFlags.Instance))
                    .Where(m => BindingNames.Designates(m, f.ShortName))
                    .FirstOrDefault(m => SignatureMatcher.WitParameterCount(m) == witParams.Count);
            }

            if (member is null)
            {
                _problems.Add($"{type.Name} has no {(f.Kind == WitFunctionKind.Constructor ? "constructor" : f.Kind == WitFunctionKind.Static ? "static method" : "method")} for '{qualified}' ({f.Signature}); write {BindingMessages.HostMember(f, TypeName)}.");
                return;
            }

            var where = $"{type.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)} for '{qualified}' ({f.Signature})";
            var ps = member.GetParameters().Take(SignatureMatcher.WitParameterCount(member)).ToArray();
            var clrTypes = (f.Kind == WitFunctionKind.Method ? [type] : Array.Empty<Type>()).Concat(ps.Select(p => p.ParameterType)).ToArray();
            var self = f.Kind == WitFunctionKind.Method ? 1 : 0;
            var returnType = member is MethodInfo mi ? mi.ReturnType : type;
            SignatureMatcher.Awaited(returnType, out returnType);
            var matched = SignatureMatcher.Match(types.Converters, f, clrTypes, returnType, BindingDirection.Import, where, i => i < self ? "self" : $"parameter '{ps[i - self].Name}'", _problems);
            if (matched is null)
            {
                return;
            }

            var adapter = HostAdapterEmitter.Emit(member, selfFromArguments: f.Kind == WitFunctionKind.Method, matched.Parameters, matched.Result);
            var isAsync = member is MethodInfo async && SignatureMatcher.Awaited(async.ReturnType, out _) != AwaitKind.None;
            _functions.Add(new FunctionPlan(instance, f, qualified, matched.Parameters, matched.Result, adapter, target, isAsync));
        }
    }
}
