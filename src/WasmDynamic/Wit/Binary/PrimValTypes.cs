namespace WasmDynamic.Wit.Binary;

/// <summary>
/// The binary codes of the primitive value types (<c>primvaltype</c> in the component binary format): one table, read
/// by the parser and written by the bulk-bytes wrapper.
/// </summary>
internal static class PrimValTypes
{
    private static readonly (byte Code, WitTypeKind Kind)[] Table =
    [
        (0x7f, WitTypeKind.Bool),
        (0x7e, WitTypeKind.S8),
        (0x7d, WitTypeKind.U8),
        (0x7c, WitTypeKind.S16),
        (0x7b, WitTypeKind.U16),
        (0x7a, WitTypeKind.S32),
        (0x79, WitTypeKind.U32),
        (0x78, WitTypeKind.S64),
        (0x77, WitTypeKind.U64),
        (0x76, WitTypeKind.F32),
        (0x75, WitTypeKind.F64),
        (0x74, WitTypeKind.Char),
        (0x73, WitTypeKind.String),
        (0x64, WitTypeKind.ErrorContext),
    ];

    private static readonly WitTypeKind?[] ByCode = Table.Aggregate(new WitTypeKind?[256], (a, e) => { a[e.Code] = e.Kind; return a; });

    /// <summary>The primitive <paramref name="code"/> stands for, or null when the byte starts another type.</summary>
    public static WitTypeKind? Kind(byte code) => ByCode[code];

    /// <summary>The code of primitive <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a primitive.</exception>
    public static byte Code(WitTypeKind kind)
    {
        foreach (var (code, k) in Table)
        {
            if (k == kind)
            {
                return code;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only primitive value types have a primvaltype code.");
    }
}
