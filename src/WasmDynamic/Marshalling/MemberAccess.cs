using System.Reflection;

namespace WasmDynamic.Marshalling;

/// <summary>What binding needs to know of a user type's members (the emitted codecs read and write them).</summary>
internal static class MemberAccess
{
    public static Type MemberType(MemberInfo m) => m is PropertyInfo p ? p.PropertyType : ((FieldInfo)m).FieldType;

    public static bool IsWritable(MemberInfo m) => m is PropertyInfo p ? p.CanWrite && p.SetMethod is not null : m is FieldInfo { IsInitOnly: false };
}
