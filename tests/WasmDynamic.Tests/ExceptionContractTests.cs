using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// Issue 12, item 15: every failure a caller can meet, with the exception type the README promises and the start of
/// its message. Component, value and call failures are <see cref="WasmDynamicException"/>s; programming errors in
/// arguments and options are <see cref="ArgumentException"/>s; use after dispose is <see cref="ObjectDisposedException"/>;
/// reading the missing side of an <c>Option</c>/<c>Result</c> is <see cref="InvalidOperationException"/>.
/// </summary>
public class ExceptionContractTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Values = new(() => Runtime.Load(Fixture("values.wat")));

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public sealed record Failure(string Kind, Action Act, Type Expected, string MessageStart);

    public sealed class Relogger
    {
        public ComponentInstance? Instance { get; set; }

        public Exception? Caught { get; private set; }

        public void Log(byte level, string msg)
        {
            try
            {
                ((dynamic)Instance!.Exports).Run("again");
            }
            catch (Exception e)
            {
                Caught = e;
                throw;
            }
        }
    }

    private static IEnumerable<Failure> Failures()
    {
        var instance = Values.Value.Instantiate();
        dynamic exports = instance.Exports;
        dynamic board = exports.Todo.Board();

        yield return new("an integer out of range", () => exports.Sub(1L << 40, 0), typeof(ComponentArgumentException), "1099511627776 is out of range for s32");
        yield return new("a list element out of range", () => exports.EchoU32s(new[] { 1, -1 }), typeof(ComponentArgumentException), "-1 is out of range for u32");
        yield return new("a null where WIT needs a value", () => exports.EchoString(null), typeof(ComponentArgumentException), "A null string was given");
        yield return new("a lone surrogate", () => exports.EchoString("\uD800"), typeof(ComponentArgumentException), "The string has a lone UTF-16 surrogate");
        yield return new("an unknown named argument", () => exports.Sub(a: 1, c: 2), typeof(ComponentArgumentException), "'sub' has no parameter named 'c'");
        yield return new("a wrong argument count", () => exports.Sub(1), typeof(ComponentArgumentException), "'sub' takes 2 argument(s)");
        yield return new("an extra record member", () => exports.Todo.EchoBatch(new { Ids = new uint[0], Due = (object?)null, Extra = 1 }), typeof(ComponentArgumentException), "the value for record batch has a member 'Extra'");
        yield return new("an unknown enum case", () => board.Add("x", "urgent", Array.Empty<string>(), null), typeof(ComponentArgumentException), "'urgent' is not a case of enum priority (low, high-ish)");
        yield return new("a missing export called through dynamic", () => exports.Nope(), typeof(ComponentExportNotFoundException), "'Nope' is not an export of component");
        yield return new("a missing export read through dynamic", () => _ = exports.Nope, typeof(ComponentExportNotFoundException), "'Nope' is not an export of component");
        yield return new("a missing export by name", () => _ = instance.Exports["nope"], typeof(ComponentExportNotFoundException), "'nope' is not an export of component");
        yield return new("a missing function by Invoke", () => instance.Invoke("todo#nope"), typeof(ComponentExportNotFoundException), "'nope' is not a function of interface 'demo:values/todo'");
        yield return new("a missing interface by Invoke", () => instance.Invoke("nope#sub"), typeof(ComponentExportNotFoundException), "'nope' is not an interface exported by component");
        yield return new("a resource method looked up on its interface", () => _ = exports.Todo["[method]board.add"], typeof(ComponentExportNotFoundException), "'[method]board.add' is not a function of interface 'demo:values/todo'. '[method]board.add' is a method of resource 'board': call it on a board object");
        yield return new("a missing method of a resource object", () => board.Nope(), typeof(ComponentExportNotFoundException), "'Nope' is not a method of resource 'board'");
        yield return new("a missing property of a resource object", () => _ = board.Nope, typeof(ComponentExportNotFoundException), "'Nope' is not a property of resource 'board'");
        yield return new("an interface that does not fit", () => instance.GetInterface<IMismatched>(""), typeof(ComponentBindingException), "");
        yield return new("bytes that are not a component", () => Runtime.Load(new byte[] { 1, 2, 3 }), typeof(ComponentLoadException), "Cannot load component '<bytes>'");
        yield return new("an err where the signature asks for the ok value", () => instance.GetInterface<IValuesRoot>("").FailUnit(), typeof(ComponentErrorException), "Component function 'fail-unit' returned an error");

        var trapped = Values.Value.Instantiate();
        yield return new("a guest trap", () => trapped.GetInterface<IValuesRoot>("").BadDrop(), typeof(ComponentTrapException), "unknown handle index 3. In component function 'bad-drop' (bad-drop: func()).");
        yield return new("a call after a trap", () => ((dynamic)trapped.Exports).Sub(1, 2), typeof(ComponentInstancePoisonedException), "Cannot call 'sub'");

        var relogger = new Relogger();
        var imports = Runtime.Load(Fixture("imports.wat"));
        var reentrant = imports.Instantiate(new ComponentImports().Add("demo:host/logger@0.1.0", relogger).Add("get-number", (Func<uint>)(() => 1)));
        relogger.Instance = reentrant;
        yield return new("re-entering an instance from its own import", () =>
        {
            try
            {
                ((dynamic)reentrant.Exports).Run("first");
            }
            catch (ComponentTrapException)
            {
                throw relogger.Caught!;
            }
        }, typeof(ComponentReentrancyException), "Cannot call 'run' (run: func(msg: string) -> u32) from inside a host import of the same instance");

        using var noEpochs = new ComponentRuntime(new ComponentRuntimeOptions { EpochInterruption = false });
        var noEpochsComponent = noEpochs.Load(Fixture("values.wat"));
        yield return new("a timeout without epoch interruption", () => noEpochsComponent.Instantiate(new InstanceOptions { CallTimeout = TimeSpan.FromSeconds(1) }), typeof(ArgumentException), "InstanceOptions.CallTimeout and InstanceOptions.CancellationToken need a runtime created with ComponentRuntimeOptions.EpochInterruption = true");
        var noEpochsInstance = noEpochsComponent.Instantiate();
        yield return new("cancellation without epoch interruption", () => noEpochsInstance.CancelCallsOn(new CancellationTokenSource().Token), typeof(ArgumentException), "Cancelling calls needs a runtime created with ComponentRuntimeOptions.EpochInterruption = true");
        yield return new("fuel without fuel metering", () => Values.Value.Instantiate(new InstanceOptions { FuelPerCall = 10 }), typeof(ArgumentException), "InstanceOptions.FuelPerCall needs a runtime created with ComponentRuntimeOptions.ConsumeFuel = true");
        yield return new("a null argument to the library's API", () => Runtime.Load((string)null!), typeof(ArgumentNullException), "Value cannot be null.");

        var disposed = Values.Value.Instantiate();
        dynamic disposedExports = disposed.Exports;
        disposed.Dispose();
        yield return new("a call on a disposed instance", () => disposedExports.Sub(1, 2), typeof(ObjectDisposedException), "Cannot call 'sub': the component instance is disposed.");
        yield return new("the value of an empty option", () => _ = Option<int>.None.Value, typeof(InvalidOperationException), "The option is none.");
    }

    [Fact]
    public void Every_failure_kind_throws_the_documented_exception_type_with_a_message_that_leads_with_the_cause()
    {
        var failures = Failures().ToList();
        failures.Should().HaveCountGreaterThan(25);
        foreach (var failure in failures)
        {
            var thrown = failure.Act.Should().Throw<Exception>(failure.Kind).Which;
            thrown.GetType().Should().Be(failure.Expected, $"{failure.Kind} should throw {failure.Expected.Name}, not: {thrown}");
            thrown.Message.Should().StartWith(failure.MessageStart, failure.Kind);
            if (failure.Expected != typeof(ObjectDisposedException) && !typeof(ArgumentException).IsAssignableFrom(failure.Expected) && failure.Expected != typeof(InvalidOperationException))
            {
                thrown.Should().BeAssignableTo<WasmDynamicException>(failure.Kind);
            }
        }
    }

    public interface IMismatched
    {
        void NotThere();
    }
}
