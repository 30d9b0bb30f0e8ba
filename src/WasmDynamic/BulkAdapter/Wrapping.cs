using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.BulkAdapter;

/// <summary>Loading a component through its bulk-bytes wrapper, when it has functions worth one.</summary>
internal static class Wrapping
{
    /// <summary>
    /// The component's wrapper compiled by <paramref name="compile"/> (the runtime's cache-aware compile), with the
    /// world and the plan of hidden twins, or null when it has no byte-list functions, its shape is outside the
    /// generator's, or the wrapper does not compile (then the caller compiles the original, and reports its errors).
    /// <paramref name="read"/> is the world when it could be read (the caller need not read it again).
    /// </summary>
    public static (ComponentHandle Handle, WitWorld World, BulkPlan Plan)? TryLoad(ReadOnlySpan<byte> binary, string name, Func<byte[], string, ComponentHandle> compile, out WitWorld? read)
    {
        byte[]? wrapper;
        WitWorld world;
        BulkPlan? plan;
        read = null;
        try
        {
            world = WitWorld.Read(binary, name);
            read = world;
            plan = BulkPlan.For(world);
            wrapper = plan is null ? null : WrapperGenerator.Generate(binary, plan);
        }
        catch (WasmDynamicException)
        {
            // Not readable before validation: the plain path compiles it and says what is wrong.
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The generator met a shape it does not expect: the component loads as it is.
            return null;
        }

        if (wrapper is null || plan is null)
        {
            return null;
        }

        ComponentHandle handle;
        try
        {
            handle = compile(wrapper, name);
        }
        catch (ComponentLoadException) when (plan.Flat)
        {
            // An engine that refuses the flat form (e.g. multi-memory turned off): the nested one needs no more than the original.
            try
            {
                wrapper = WrapperGenerator.Generate(binary, plan, allowFlat: false);
                if (wrapper is null)
                {
                    return null;
                }

                handle = compile(wrapper, name);
            }
            catch (ComponentLoadException)
            {
                return null;
            }
        }
        catch (ComponentLoadException)
        {
            return null;
        }

        return (handle, world, plan);
    }
}
