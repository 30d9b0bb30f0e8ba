using System.Diagnostics;
using WasmDynamic;
using WasmDynamic.Native;
using WasmDynamic.Wit;

/// <summary>
/// Mutation fuzzing with the bulk-bytes adapter: bit flips of real components are loaded, and those that load wrapped
/// are instantiated and every function with a twin is called with byte lists on both sides of the twin threshold. Only
/// WasmDynamic's exceptions may come out; a native abort would show as the child's exit code.
/// </summary>
internal static class BulkMutations
{
    public static string Run(string fixtures)
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { UseCompiledComponentCache = false, BulkByteAdapter = true });
        var seeds = new[] { "strings.wat", "wasi-random.wat", "host-roundtrip.wat" }
            .Select(f => ComponentLoader.Wat2Wasm(File.ReadAllBytes(Path.Combine(fixtures, f)), f)).ToList();
        var random = new Random(16_2026);
        var budget = Stopwatch.StartNew();
        int total = 0, loaded = 0, wrapped = 0, calls = 0, returned = 0;
        while (total < 80 || (budget.Elapsed < TimeSpan.FromSeconds(20) && total < 600))
        {
            var seed = seeds[random.Next(seeds.Count)];
            var input = (byte[])seed.Clone();
            for (var k = random.Next(1, 3); k > 0; k--)
            {
                input[random.Next(8, input.Length)] ^= (byte)(1 << random.Next(8));
            }

            total++;
            WasmComponent component;
            try
            {
                component = runtime.Load(input);
            }
            catch (WasmDynamicException)
            {
                continue;
            }

            using (component)
            {
                loaded++;
                if (component.Bulk is not { } plan)
                {
                    continue;
                }

                wrapped++;
                ComponentInstance instance;
                try
                {
                    instance = component.Instantiate(new InstanceOptions { TrapUnimplementedImports = true, RecreateAfterTrap = true, CallTimeout = TimeSpan.FromSeconds(2) });
                }
                catch (WasmDynamicException)
                {
                    continue;
                }

                using (instance)
                {
                    foreach (var f in plan.Functions)
                    {
                        var name = f.Interface is null ? f.Function.Name : f.Interface + "#" + f.Function.Name;
                        foreach (var size in new[] { 0, 10, 100, 5000 })
                        {
                            var args = f.Function.Parameters.Select(p => Argument(p.Type, size)).ToArray();
                            calls++;
                            try
                            {
                                instance.Invoke(name, args);
                                returned++;
                            }
                            catch (WasmDynamicException)
                            {
                            }
                        }
                    }
                }
            }
        }

        if (wrapped == 0 || calls == 0)
        {
            throw new InvalidOperationException($"no mutated component was wrapped and called ({total} mutations, {loaded} loaded)");
        }

        return $"{total} mutations, {loaded} loaded, {wrapped} wrapped, {calls} calls ({returned} returned), only library exceptions";
    }

    private static object Argument(WitType t, int size) => t switch
    {
        WitList => Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray(),
        _ => t.Kind switch
        {
            WitTypeKind.Bool => true,
            WitTypeKind.S8 => (sbyte)3,
            WitTypeKind.U8 => (byte)3,
            WitTypeKind.S16 => (short)3,
            WitTypeKind.U16 => (ushort)3,
            WitTypeKind.S32 => 3,
            WitTypeKind.U32 => 3u,
            WitTypeKind.S64 => 3L,
            WitTypeKind.U64 => 3UL,
            WitTypeKind.F32 => 3f,
            WitTypeKind.F64 => 3d,
            WitTypeKind.Char => new System.Text.Rune('x'),
            _ => "text",
        },
    };
}
