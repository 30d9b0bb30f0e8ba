namespace WasmDynamic.Hosting;

/// <summary>
/// The instance whose call is running on this thread. Lifting a resource handle needs it (to bind the new .NET
/// object to its instance), and converters are shared by all instances of a world, so they read it from here.
/// </summary>
internal static class CallScope
{
    [ThreadStatic]
    private static ComponentInstance? _current;

    public static ComponentInstance? Current
    {
        get => _current;
        set => _current = value;
    }

    public static ComponentInstance Require(string what) =>
        _current ?? throw new WasmDynamicException($"{what} can only be converted during a call into a component instance.");
}
