using System.Security.Cryptography;

namespace WasmDynamic.Native;

/// <summary>
/// An on-disk cache of compiled components (Wasmtime's serialized native code), keyed by the SHA-256 of the
/// component bytes and of every engine setting that changes the code. A second load of the same component skips
/// compilation. Entries that fail to deserialize (another Wasmtime build, a damaged file) are replaced.
/// </summary>
/// <remarks>
/// Wasmtime trusts what it deserializes: the directory must be writable only by the application.
/// </remarks>
internal sealed unsafe class CompiledComponentCache
{
    private readonly string _directory;
    private readonly string _settings;

    public CompiledComponentCache(string directory, ComponentRuntimeOptions options)
    {
        _directory = directory;
        _settings = string.Join(
            ";",
            "wasmtime-50.0.1",
            System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier,
            $"epoch={options.EpochInterruption}",
            $"fuel={options.ConsumeFuel}",
            "component-model-map=true",
            $"signals={!OperatingSystem.IsWindows()}");
        Directory.CreateDirectory(directory);
    }

    /// <summary>How many loads were served from the cache (for tests and diagnostics).</summary>
    public int Hits { get; private set; }

    public string PathFor(ReadOnlySpan<byte> component)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(_settings));
        sha.AppendData(component);
        return Path.Combine(_directory, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant() + ".cwasm");
    }

    /// <summary>The compilation cached at <paramref name="path"/>, or null.</summary>
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
        catch (IOException)
        {
            return null;
        }

        nint component = 0;
        nint error;
        fixed (byte* p = bytes)
        {
            error = ComponentApi.wasmtime_component_deserialize(engine.Pointer, p, (nuint)bytes.Length, &component);
        }

        if (error != 0)
        {
            NativeError.TakeMessage(error);
            TryDelete(path);
            return null;
        }

        Hits++;
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

        try
        {
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(new ReadOnlySpan<byte>(vec.Data, checked((int)vec.Size)));
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        finally
        {
            WasmtimeApi.wasm_byte_vec_delete(&vec);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
