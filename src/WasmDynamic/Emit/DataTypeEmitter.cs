using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using WasmDynamic.Binding;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// The default CLR type map as runtime types (the shapes are <see cref="ClrTypeMap"/>'s): an emitted CLR type for each WIT record
/// (a <see cref="ComponentRecord"/> class), enum (a CLR enum), flags (a <c>[Flags]</c> enum) and variant
/// (a <see cref="ComponentVariant"/> class with a nested class per case).
/// </summary>
internal sealed class DataTypeEmitter
{
    private readonly ModuleScope _scope;
    private readonly object _sync;
    private readonly Func<WitHandle, Type> _handleType;
    private readonly Dictionary<WitType, Type> _emitted = new();
    private readonly RuntimeTypes _builder;

    public DataTypeEmitter(ModuleScope scope, object sync, Func<WitHandle, Type> handleType)
    {
        _scope = scope;
        _sync = sync;
        _handleType = handleType;
        _builder = new RuntimeTypes(this);
    }

    public Type ClrType(WitType wit)
    {
        lock (_sync)
        {
            return Map(wit);
        }
    }

    private Type Map(WitType wit) => ClrTypeMap.Map(wit, _builder, BindingProfile.Dynamic);

    private Type Named(WitType wit)
    {
        if (_emitted.TryGetValue(wit, out var existing))
        {
            return existing;
        }

        var type = wit switch
        {
            WitRecord r => EmitRecord(r),
            WitEnum e => EmitEnum(e),
            WitFlags f => EmitFlags(f),
            WitVariant v => EmitVariant(v),
            _ => throw new NotSupportedException($"WIT '{wit}' ({wit.Kind}) has no CLR mapping in this version of WasmDynamic."),
        };
        _emitted[wit] = type;
        return type;
    }

    /// <summary>The policy's shapes as runtime types; named types are emitted into this world's module.</summary>
    private sealed class RuntimeTypes(DataTypeEmitter owner) : IClrTypeBuilder<Type>
    {
        public Type Primitive(ClrPrimitive primitive) => primitive.Clr;

        public Type Bytes() => typeof(byte[]);

        public Type List(Type element, bool readOnlyList) => readOnlyList ? typeof(IReadOnlyList<>).MakeGenericType(element) : element.MakeArrayType();

        public Type Tuple(IReadOnlyList<Type> items) => TupleType(items.ToArray());

        public Type Option(Type inner, bool wrapped) =>
            wrapped ? typeof(Option<>).MakeGenericType(inner) : inner.IsValueType ? typeof(Nullable<>).MakeGenericType(inner) : inner;

        public Type Result(Type? ok, Type? err) => typeof(Result<,>).MakeGenericType(ok ?? typeof(Unit), err ?? typeof(Unit));

        public Type Handle(WitHandle handle) => owner._handleType(handle);

        public Type Named(WitType type) => owner.Named(type);
    }

    private static Type TupleType(Type[] items) => items.Length switch
    {
        0 => typeof(ValueTuple),
        1 => typeof(ValueTuple<>).MakeGenericType(items),
        2 => typeof(ValueTuple<,>).MakeGenericType(items),
        3 => typeof(ValueTuple<,,>).MakeGenericType(items),
        4 => typeof(ValueTuple<,,,>).MakeGenericType(items),
        5 => typeof(ValueTuple<,,,,>).MakeGenericType(items),
        6 => typeof(ValueTuple<,,,,,>).MakeGenericType(items),
        _ => typeof(ValueTuple<,,,,,,>).MakeGenericType(items),
    };

    private string TypeName(WitType wit, string fallback)
    {
        return _scope.UniqueName(BindingNames.EmittedNamespace(wit.Owner), Naming.ToPascalCase(wit.Name ?? fallback));
    }

    private Type EmitRecord(WitRecord r)
    {
        // C#: public sealed class Point : ComponentRecord { public int X { get; set; } ... }
        var tb = _scope.Module.DefineType(TypeName(r, "Record"), TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(ComponentRecord));
        tb.DefineDefaultConstructor(MethodAttributes.Public);
        var fields = new List<FieldBuilder>();
        foreach (var f in r.Fields)
        {
            var clr = Map(f.Type);
            var name = Naming.ToPascalCase(f.Name);
            var field = tb.DefineField("_" + name, clr, FieldAttributes.Private);
            fields.Add(field);
            var prop = tb.DefineProperty(name, PropertyAttributes.None, clr, null);
            var get = tb.DefineMethod("get_" + name, MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig, clr, Type.EmptyTypes);
            var il = get.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, field);
            il.Emit(OpCodes.Ret);
            var set = tb.DefineMethod("set_" + name, MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig, null, [clr]);
            il = set.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Stfld, field);
            il.Emit(OpCodes.Ret);
            prop.SetGetMethod(get);
            prop.SetSetMethod(set);
            prop.SetCustomAttribute(new CustomAttributeBuilder(Tokens.WitNameCtor, [f.Name]));
        }

        // C#: protected override object?[] GetFieldValues() => new object?[] { _x, _y };
        var values = tb.DefineMethod("GetFieldValues", MethodAttributes.Family | MethodAttributes.Virtual | MethodAttributes.HideBySig, typeof(object[]), Type.EmptyTypes);
        var vil = values.GetILGenerator();
        vil.Emit(OpCodes.Ldc_I4, fields.Count);
        vil.Emit(OpCodes.Newarr, typeof(object));
        for (var i = 0; i < fields.Count; i++)
        {
            vil.Emit(OpCodes.Dup);
            vil.Emit(OpCodes.Ldc_I4, i);
            vil.Emit(OpCodes.Ldarg_0);
            vil.Emit(OpCodes.Ldfld, fields[i]);
            if (fields[i].FieldType.IsValueType)
            {
                vil.Emit(OpCodes.Box, fields[i].FieldType);
            }

            vil.Emit(OpCodes.Stelem_Ref);
        }

        vil.Emit(OpCodes.Ret);
        tb.DefineMethodOverride(values, Tokens.GetFieldValues);

        // C#: protected override string[] GetFieldNames() => new[] { "x", "y" };
        var names = tb.DefineMethod("GetFieldNames", MethodAttributes.Family | MethodAttributes.Virtual | MethodAttributes.HideBySig, typeof(string[]), Type.EmptyTypes);
        var nil = names.GetILGenerator();
        nil.Emit(OpCodes.Ldc_I4, r.Fields.Count);
        nil.Emit(OpCodes.Newarr, typeof(string));
        for (var i = 0; i < r.Fields.Count; i++)
        {
            nil.Emit(OpCodes.Dup);
            nil.Emit(OpCodes.Ldc_I4, i);
            nil.Emit(OpCodes.Ldstr, r.Fields[i].Name);
            nil.Emit(OpCodes.Stelem_Ref);
        }

        nil.Emit(OpCodes.Ret);
        tb.DefineMethodOverride(names, Tokens.GetFieldNames);
        return tb.CreateType();
    }

    private Type EmitEnum(WitEnum e)
    {
        var eb = _scope.Module.DefineEnum(TypeName(e, "Enum"), TypeAttributes.Public, typeof(int));
        for (var i = 0; i < e.Cases.Count; i++)
        {
            var lit = eb.DefineLiteral(Naming.ToPascalCase(e.Cases[i]), i);
            lit.SetCustomAttribute(new CustomAttributeBuilder(Tokens.WitNameCtor, [e.Cases[i]]));
        }

        return eb.CreateType();
    }

    private Type EmitFlags(WitFlags f)
    {
        if (f.Flags.Count > ClrTypeMap.MaxFlagsInEnum)
        {
            return typeof(HashSet<string>);
        }

        var underlying = ClrTypeMap.FlagsUnderlying(f.Flags.Count);
        var eb = _scope.Module.DefineEnum(TypeName(f, "Flags"), TypeAttributes.Public, underlying);
        eb.SetCustomAttribute(new CustomAttributeBuilder(typeof(FlagsAttribute).GetConstructor(Type.EmptyTypes)!, []));
        eb.DefineLiteral("None", Convert.ChangeType(0UL, underlying, System.Globalization.CultureInfo.InvariantCulture));
        for (var i = 0; i < f.Flags.Count; i++)
        {
            var lit = eb.DefineLiteral(Naming.ToPascalCase(f.Flags[i]), Convert.ChangeType(1UL << i, underlying, System.Globalization.CultureInfo.InvariantCulture));
            lit.SetCustomAttribute(new CustomAttributeBuilder(Tokens.WitNameCtor, [f.Flags[i]]));
        }

        return eb.CreateType();
    }

    private Type EmitVariant(WitVariant v)
    {
        // C#: public abstract class Shape : ComponentVariant { public sealed class Circle : Shape { ... } ... }
        var tb = _scope.Module.DefineType(TypeName(v, "Variant"), TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Class, typeof(ComponentVariant));
        var baseCtor = tb.DefineDefaultConstructor(MethodAttributes.Family);
        var nested = new List<TypeBuilder>();
        foreach (var c in v.Cases)
        {
            var payload = c.Payload is null ? null : Map(c.Payload);
            var nb = tb.DefineNestedType(Naming.ToPascalCase(c.Name), TypeAttributes.NestedPublic | TypeAttributes.Sealed | TypeAttributes.Class, tb);
            nb.SetCustomAttribute(new CustomAttributeBuilder(Tokens.WitNameCtor, [c.Name]));

            // public override string Case => "circle";
            var caseGet = nb.DefineMethod("get_Case", MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.SpecialName | MethodAttributes.HideBySig, typeof(string), Type.EmptyTypes);
            var cil = caseGet.GetILGenerator();
            cil.Emit(OpCodes.Ldstr, c.Name);
            cil.Emit(OpCodes.Ret);
            nb.DefineMethodOverride(caseGet, Tokens.VariantCaseGetter);

            var payloadGet = nb.DefineMethod("get_Payload", MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.SpecialName | MethodAttributes.HideBySig, typeof(object), Type.EmptyTypes);
            var pil = payloadGet.GetILGenerator();
            if (payload is null)
            {
                // A nested type's default constructor must name the (still unfinished) base constructor directly.
                var empty = nb.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
                var eil = empty.GetILGenerator();
                eil.Emit(OpCodes.Ldarg_0);
                eil.Emit(OpCodes.Call, baseCtor);
                eil.Emit(OpCodes.Ret);
                pil.Emit(OpCodes.Ldnull);
                pil.Emit(OpCodes.Ret);
            }
            else
            {
                // public Circle(double value) { Value = value; }  public double Value { get; }
                var field = nb.DefineField("_value", payload, FieldAttributes.Private | FieldAttributes.InitOnly);
                var ctor = nb.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [payload]);
                ctor.DefineParameter(1, ParameterAttributes.None, "value");
                var il = ctor.GetILGenerator();
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Call, baseCtor);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Stfld, field);
                il.Emit(OpCodes.Ret);
                var valueGet = nb.DefineMethod("get_Value", MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig, payload, Type.EmptyTypes);
                var gil = valueGet.GetILGenerator();
                gil.Emit(OpCodes.Ldarg_0);
                gil.Emit(OpCodes.Ldfld, field);
                gil.Emit(OpCodes.Ret);
                var prop = nb.DefineProperty("Value", PropertyAttributes.None, payload, null);
                prop.SetGetMethod(valueGet);
                pil.Emit(OpCodes.Ldarg_0);
                pil.Emit(OpCodes.Ldfld, field);
                if (payload.IsValueType)
                {
                    pil.Emit(OpCodes.Box, payload);
                }

                pil.Emit(OpCodes.Ret);

                // protected override bool HasPayload => true;
                var has = nb.DefineMethod("get_HasPayload", MethodAttributes.Family | MethodAttributes.Virtual | MethodAttributes.SpecialName | MethodAttributes.HideBySig, typeof(bool), Type.EmptyTypes);
                var hil = has.GetILGenerator();
                hil.Emit(OpCodes.Ldc_I4_1);
                hil.Emit(OpCodes.Ret);
                nb.DefineMethodOverride(has, Tokens.VariantHasPayloadGetter);
            }

            nb.DefineMethodOverride(payloadGet, Tokens.VariantPayloadGetter);
            nested.Add(nb);
        }

        var type = tb.CreateType();
        foreach (var nb in nested)
        {
            nb.CreateType();
        }

        return type;
    }
}
