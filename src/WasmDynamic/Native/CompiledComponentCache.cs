using System.Security.Cryptography;

namespace WasmDynamic.Native;

/// <summary>
/// An on-disk cache of compiled components (Wasmtime's serialized native code), keyed by the SHA-256 of the
/// component bytes and of every engine setting that changes the code. A second load of the same component skips
/// compilation.
/// </summary>
/// <remarks>
/// <para>
/// An entry is <c>"WDC1"</c>, the SHA-256 of the payload, then the payload Wasmtime serialized. The checksum is
/// verified before Wasmtime sees the payload, because Wasmtime trusts what it deserializes: a damaged entry must be
/// compiled afresh, never run. Entries are written to a unique temporary file and renamed into place, so processes
/// sharing the folder only ever see whole entries. A hit touches the entry's write time, and a store that takes the
/// folder past its size limit deletes the least recently used entries.
/// </para>
/// <para>
/// The default folder is created for the user alone (mode 0700 on Unix) and refused when others can write to it:
/// whoever can write a cache entry can run code in every process that loads it.
/// </para>
/// </remarks>
internal sealed unsafe class CompiledComponentCache
{
    private static readonly byte[] Magic = "WDC1"u8.ToArray();
    private const int HeaderSize = 4 + 32;

    private readonly string _directory;
    private readonly string _settings;
    private readonly long _limit;

    private CompiledComponentCache(string directory, string settings, long limit)
    {
        _directory = directory;
        _settings = settings;
        _limit = limit;
    }

    /// <summary>How many loads were served from the cache (for tests and diagnostics).</summary>
    public int Hits { get; private set; }

    /// <summary>The folder entries live in.</summary>
    public string Directory => _directory;

    /// <summary>The cache for <paramref name="options"/>, or null when its folder cannot be used safely.</summary>
    public static CompiledComponentCache? Open(ComponentRuntimeOptions options)
    {
        var settings = string.Join(
            ";",
            "wasmtime-" + WasmtimeLibrary.Version,
            System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier,
            $"epoch={options.EpochInterruption}",
            $"fuel={options.ConsumeFuel}",
            $"concurrency={options.ConcurrencySupport}",
            $"max-wasm-stack={options.MaxWasmStack}",
            "component-model-map=true",
            $"signals={!OperatingSystem.IsWindows()}");
        var directory = options.CacheDirectory;
        if (directory is null)
        {
            directory = ComponentRuntimeOptions.DefaultCacheDirectory;
            if (!PrepareDefault(directory))
            {
                return null;
            }
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory);
        }

        return new CompiledComponentCache(directory, settings, options.CacheSizeLimitBytes);
    }

    /// <summary>Creates the per-user folder for the user alone; false when it exists and others may write to it.</summary>
    private static bool PrepareDefault(string directory)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // %LOCALAPPDATA% is per-user with an ACL to match.
                System.IO.Directory.CreateDirectory(directory);
                return true;
            }

            var parent = Path.GetDirectoryName(directory);
            if (parent is not null)
            {
                System.IO.Directory.CreateDirectory(parent);
            }

            var info = System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return (info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public string PathFor(ReadOnlySpan<byte> component)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(_settings));
        sha.AppendData(component);
        return Path.Combine(_directory, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant() + ".cwasm");
    }

    /// <summary>The compilation cached at <paramref name="path"/>, or null (missing, damaged or from another build).</summary>
    public ComponentHandle? TryLoad(EngineHandle engine, string path)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (bytes.Length <= HeaderSize || !bytes.AsSpan(0, 4).SequenceEqual(Magic)
            || !SHA256.HashData(bytes.AsSpan(HeaderSize)).AsSpan().SequenceEqual(bytes.AsSpan(4, 32)))
        {
            TryDelete(path);
            return null;
        }

        nint component = 0;
        nint error;
        fixed (byte* p = bytes)
        {
            error = ComponentApi.wasmtime_component_deserialize(engine.Pointer, p + HeaderSize, (nuint)(bytes.Length - HeaderSize), &component);
        }

        if (error != 0)
        {
            NativeError.TakeMessage(error);
            TryDelete(path);
            return null;
        }

        Hits++;
        Touch(path);
        return new ComponentHandle(component);
    }

    /// <summary>Stores a compilation; failures to write only cost the next load a compile.</summary>
    public void Store(ComponentHandle component, string path)
    {
        ByteVec vec;
        var error = ComponentApi.wasmtime_component_serialize(component.Pointer, &vec);
        if (error != 0)
        {
            NativeError.TakeMessage(error);
            return;
        }

        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            var payload = new ReadOnlySpan<byte>(vec.Data, checked((int)vec.Size));
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(Magic);
                file.Write(SHA256.HashData(payload));
                file.Write(payload);
            }

            File.Move(temp, path, overwrite: true);
            Evict(keep: path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
        }
        finally
        {
            WasmtimeApi.wasm_byte_vec_delete(&vec);
        }
    }

    /// <summary>Deletes the least recently used entries while the folder holds more than the limit.</summary>
    private void Evict(string keep)
    {
        var entries = new DirectoryInfo(_directory).GetFiles("*.cwasm");
        var total = entries.Sum(f => f.Length);
        if (total <= _limit)
        {
            return;
        }

        foreach (var entry in entries.OrderBy(f => f.LastWriteTimeUtc))
        {
            if (total <= _limit)
            {
                break;
            }

            if (string.Equals(entry.FullName, Path.GetFullPath(keep), StringComparison.Ordinal))
            {
                continue;
            }

            var length = entry.Length;
            if (TryDelete(entry.FullName))
            {
                total -= length;
            }
        }
    }

    private static void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
