using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary><c>wasm_byte_vec_t</c> / <c>wasm_name_t</c>: a size and a pointer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ByteVec
{
    public nuint Size;
    public byte* Data;

    public readonly string ToUtf8String() => Data == null ? string.Empty : System.Text.Encoding.UTF8.GetString(Data, checked((int)Size));
}

/// <summary>A vector of pointers (<c>wasm_frame_vec_t</c>): a size and a pointer to the elements.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeVec
{
    public nuint Size;
    public nint* Data;
}

/// <summary><c>wasmtime_component_func_t</c>: store id, two private words and a private pointer (32 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct ComponentFunc
{
    [FieldOffset(0)] public ulong StoreId;
    [FieldOffset(8)] public uint Private1;
    [FieldOffset(16)] public uint Private2;
    [FieldOffset(24)] public nint Private3;
}

/// <summary><c>wasmtime_component_instance_t</c>: store id and a private index (16 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct ComponentInstanceNative
{
    [FieldOffset(0)] public ulong StoreId;
    [FieldOffset(8)] public uint Private;
}

/// <summary>
/// <c>wasmtime_component_valtype_t</c>: a one-byte kind and a pointer-sized union (16 bytes).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct ValType
{
    [FieldOffset(0)] public ValTypeKind Kind;
    [FieldOffset(8)] public nint Of;
}

/// <summary><c>wasmtime_component_item_t</c>: a one-byte kind and a union whose largest member is a valtype (24 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct ComponentItem
{
    [FieldOffset(0)] public ComponentItemKind Kind;
    [FieldOffset(8)] public nint Pointer;
    [FieldOffset(8)] public ValType Type;
}

/// <summary>Kinds of <c>wasmtime_component_item_t</c>.</summary>
internal enum ComponentItemKind : byte
{
    Component = 0,
    ComponentInstance = 1,
    Module = 2,
    ComponentFunc = 3,
    Resource = 4,
    CoreFunc = 5,
    Type = 6,
}

/// <summary>Kinds of <c>wasmtime_component_valtype_t</c> (note: signed integers come before unsigned here).</summary>
internal enum ValTypeKind : byte
{
    Bool = 0,
    S8 = 1,
    S16 = 2,
    S32 = 3,
    S64 = 4,
    U8 = 5,
    U16 = 6,
    U32 = 7,
    U64 = 8,
    F32 = 9,
    F64 = 10,
    Char = 11,
    String = 12,
    List = 13,
    Record = 14,
    Tuple = 15,
    Variant = 16,
    Enum = 17,
    Option = 18,
    Result = 19,
    Flags = 20,
    Own = 21,
    Borrow = 22,
    Future = 23,
    Stream = 24,
    ErrorContext = 25,
    Map = 26,
    FixedLengthList = 27,
}

/// <summary>Kinds of <c>wasmtime_component_val_t</c> (note: the order differs from <see cref="ValTypeKind"/>).</summary>
internal enum ValKind : byte
{
    Bool = 0,
    S8 = 1,
    U8 = 2,
    S16 = 3,
    U16 = 4,
    S32 = 5,
    U32 = 6,
    S64 = 7,
    U64 = 8,
    F32 = 9,
    F64 = 10,
    Char = 11,
    String = 12,
    List = 13,
    Record = 14,
    Tuple = 15,
    Variant = 16,
    Enum = 17,
    Option = 18,
    Result = 19,
    Flags = 20,
    Resource = 21,
    Map = 22,
}

/// <summary>
/// <c>wasmtime_component_val_t</c>: a one-byte kind padded to 8 and a 24-byte union (32 bytes).
/// </summary>
/// <remarks>
/// Union members: scalars at offset 8; string/enum/list/tuple/record/flags/map as a vec {size, data} at 8;
/// variant as {name vec at 8, val* payload at 24}; option as a val* at 8 (null = none); result as
/// {bool is_ok at 8, val* payload at 16}; resource as a <c>wasmtime_component_resource_any_t*</c> at 8.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal unsafe struct Val
{
    public const int Size = 32;

    [FieldOffset(0)] public ValKind Kind;
    [FieldOffset(8)] public byte Bool;
    [FieldOffset(8)] public sbyte S8;
    [FieldOffset(8)] public byte U8;
    [FieldOffset(8)] public short S16;
    [FieldOffset(8)] public ushort U16;
    [FieldOffset(8)] public int S32;
    [FieldOffset(8)] public uint U32;
    [FieldOffset(8)] public long S64;
    [FieldOffset(8)] public ulong U64;
    [FieldOffset(8)] public float F32;
    [FieldOffset(8)] public double F64;
    [FieldOffset(8)] public ByteVec Bytes;
    [FieldOffset(8)] public ValVec Vec;
    [FieldOffset(8)] public RecordVec Record;
    [FieldOffset(8)] public ByteVecVec Flags;
    [FieldOffset(8)] public MapVec Map;
    [FieldOffset(24)] public Val* VariantPayload;
    [FieldOffset(8)] public Val* OptionPayload;
    [FieldOffset(8)] public byte ResultIsOk;
    [FieldOffset(16)] public Val* ResultPayload;
    [FieldOffset(8)] public nint Resource;
}

/// <summary>A vec of <see cref="Val"/> (list, tuple).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ValVec
{
    public nuint Size;
    public Val* Data;
}

/// <summary><c>wasmtime_component_valrecord_entry_t</c>: a name and a value (48 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal struct RecordEntry
{
    public const int Size = 48;

    /// <summary>Where <see cref="Value"/> starts.</summary>
    public const int ValueOffset = 16;

    [FieldOffset(0)] public ByteVec Name;
    [FieldOffset(16)] public Val Value;
}

/// <summary>A vec of <see cref="RecordEntry"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RecordVec
{
    public nuint Size;
    public RecordEntry* Data;
}

/// <summary>A vec of names (flags).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ByteVecVec
{
    public nuint Size;
    public ByteVec* Data;
}

/// <summary>A map entry: key and value (64 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct MapEntry
{
    [FieldOffset(0)] public Val Key;
    [FieldOffset(32)] public Val Value;
}

/// <summary>A vec of <see cref="MapEntry"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MapVec
{
    public nuint Size;
    public MapEntry* Data;
}
