using System.Linq.Expressions;
using System.Reflection;

namespace WasmDynamic.Marshalling;

/// <summary>Sets a member of a record value in place (works for structs through the ref).</summary>
internal delegate void RefSetter<TRecord, TField>(ref TRecord record, TField value);

/// <summary>Compiled getters, setters and constructors over user types, built once per converter.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class MemberAccess
{
    public static Func<TRecord, TField> Getter<TRecord, TField>(MemberInfo member)
    {
        var p = Expression.Parameter(typeof(TRecord), "r");
        Expression access = member is PropertyInfo pi ? Expression.Property(p, pi) : Expression.Field(p, (FieldInfo)member);
        return Expression.Lambda<Func<TRecord, TField>>(Expression.Convert(access, typeof(TField)), p).Compile();
    }

    public static RefSetter<TRecord, TField> Setter<TRecord, TField>(MemberInfo member)
    {
        var r = Expression.Parameter(typeof(TRecord).MakeByRefType(), "r");
        var v = Expression.Parameter(typeof(TField), "v");
        Expression access = member is PropertyInfo pi ? Expression.Property(r, pi) : Expression.Field(r, (FieldInfo)member);
        return Expression.Lambda<RefSetter<TRecord, TField>>(Expression.Assign(access, v), r, v).Compile();
    }

    public static Func<object?[], T> Constructor<T>(ConstructorInfo ctor)
    {
        var args = Expression.Parameter(typeof(object?[]), "args");
        var ps = ctor.GetParameters();
        var call = Expression.New(ctor, ps.Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType)));
        return Expression.Lambda<Func<object?[], T>>(Expression.Convert(call, typeof(T)), args).Compile();
    }

    public static Func<T> Create<T>()
    {
        if (typeof(T).IsValueType)
        {
            return static () => default!;
        }

        var ctor = typeof(T).GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)
            ?? throw new WasmDynamicException($"{typeof(T)} has no parameterless constructor.");
        return Expression.Lambda<Func<T>>(Expression.New(ctor)).Compile();
    }

    public static Type MemberType(MemberInfo m) => m is PropertyInfo p ? p.PropertyType : ((FieldInfo)m).FieldType;

    public static bool IsWritable(MemberInfo m) => m is PropertyInfo p ? p.CanWrite && p.SetMethod is not null : m is FieldInfo { IsInitOnly: false };
}
