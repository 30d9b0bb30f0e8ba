namespace WasmDynamic;

/// <summary>
/// Wasmtime's pooling instance allocator (<see cref="ComponentRuntimeOptions.PoolingAllocator"/>): memories, tables
/// and instance state are reserved once, when the runtime is created, and reused by each new instance, so a host that
/// creates many short-lived instances pays no <c>mmap</c>/<c>munmap</c> per instance. The pool is fixed: an
/// instantiation that would exceed one of these totals fails with <see cref="ComponentResourceLimitException"/>
/// until instances are disposed. The defaults suit up to 100 live instances of typical components; raise them for
/// more. Each value must be positive.
/// </summary>
/// <remarks>
/// The pool reserves virtual address space up front: about <see cref="TotalMemories"/> × (the largest memory a
/// component may reach, 4 GiB by default, plus guard pages). On 64-bit Linux, macOS and Windows that is only address
/// space; physical memory is used as instances touch it. <see cref="MaxMemoryBytes"/> lowers the reservation.
/// </remarks>
public sealed class PoolingAllocatorOptions
{
    private readonly uint _totalComponentInstances = 100;
    private readonly uint _totalCoreInstances = 1000;
    private readonly uint _totalMemories = 200;
    private readonly uint _totalTables = 400;
    private readonly long? _maxMemoryBytes;

    /// <summary>How many component instances may be alive at once in the runtime (default 100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero.</exception>
    public uint TotalComponentInstances { get => _totalComponentInstances; init => _totalComponentInstances = Positive(value, nameof(TotalComponentInstances)); }

    /// <summary>How many core module instances may be alive at once, over all component instances (default 1000; a WASI component has several).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero.</exception>
    public uint TotalCoreInstances { get => _totalCoreInstances; init => _totalCoreInstances = Positive(value, nameof(TotalCoreInstances)); }

    /// <summary>How many linear memories may be alive at once, over all instances (default 200).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero.</exception>
    public uint TotalMemories { get => _totalMemories; init => _totalMemories = Positive(value, nameof(TotalMemories)); }

    /// <summary>How many tables may be alive at once, over all instances (default 400).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero.</exception>
    public uint TotalTables { get => _totalTables; init => _totalTables = Positive(value, nameof(TotalTables)); }

    /// <summary>
    /// The most bytes one linear memory may grow to (null: Wasmtime's default, 4 GiB on 64-bit hosts). A component
    /// whose memory starts larger cannot be instantiated; growth beyond it fails in the guest (<c>memory.grow</c>
    /// returns -1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long? MaxMemoryBytes
    {
        get => _maxMemoryBytes;
        init
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxMemoryBytes), value, $"PoolingAllocatorOptions.MaxMemoryBytes must be positive, or null for Wasmtime's default; {value} was given.");
            }

            _maxMemoryBytes = value;
        }
    }

    /// <summary>
    /// How many bytes at the start of each linear memory and each table stay resident when an instance gives its slot
    /// back (default 64 KiB, one WebAssembly page): Wasmtime zeroes them with <c>memset</c> instead of returning them
    /// to the kernel (<c>madvise</c>, one system call per memory and table, then page faults when the next instance
    /// touches them). Memory beyond it is returned as before. Either way the next instance sees only zeroed memory.
    /// A larger value trades resident memory (about this much per pool slot ever used) for faster instantiation of
    /// instances that touch more; 0 returns everything (Wasmtime's own default).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long KeepResidentBytes
    {
        get => _keepResidentBytes;
        init => _keepResidentBytes = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(KeepResidentBytes), value, $"PoolingAllocatorOptions.KeepResidentBytes must be 0 or more; {value} was given.");
    }

    private readonly long _keepResidentBytes = 64 * 1024;

    private static uint Positive(uint value, string name) => value > 0
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"PoolingAllocatorOptions.{name} must be at least 1; 0 was given. Leave ComponentRuntimeOptions.PoolingAllocator null to allocate on demand instead.");
}
