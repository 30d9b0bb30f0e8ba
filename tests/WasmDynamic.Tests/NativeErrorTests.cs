using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// One native error path: a failed call's trap code, exit status and guest frames come from Wasmtime's error object
/// (not from its message text).
/// </summary>
public class NativeErrorTests
{
    private static readonly ComponentRuntime Runtime = new();

    // run() calls wasi:cli/exit with err (status 1) when its argument is set, else executes `unreachable`.
    private const string Exiting = """
        (component
          (import "wasi:cli/exit@0.2.0" (instance $exit
            (export "exit" (func (param "status" (result))))))
          (alias export $exit "exit" (func $exit-fn))
          (core func $exit-lowered (canon lower (func $exit-fn)))
          (core module $m
            (import "host" "exit" (func $exit (param i32)))
            (func $deep (param i32)
              local.get 0
              if
                i32.const 1
                call $exit
              end
              unreachable)
            (func (export "run") (param i32) (result i32)
              local.get 0
              call $deep
              i32.const 0))
          (core instance $host (export "exit" (func $exit-lowered)))
          (core instance $i (instantiate $m (with "host" (instance $host))))
          (func (export "run") (param "exit" bool) (result u32) (canon lift (core func $i "run"))))
        """;

    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.LoadText(Exiting));

    [Fact]
    public void A_trap_carries_wasmtimes_trap_code_and_frames_and_no_exit_status()
    {
        using var instance = Component.Value.Instantiate();
        var trap = instance.Invoking(i => i.Invoke("run", false)).Should().Throw<ComponentTrapException>().Which;
        trap.TrapCode.Should().Be(ComponentTrapCode.Unreachable);
        trap.ExitStatus.Should().BeNull();
        trap.GuestBacktrace.Should().HaveCountGreaterThanOrEqualTo(2, "the trap happened in $deep, called by run");
        trap.GuestBacktrace.Should().AllSatisfy(f => f.Should().MatchRegex(@"^\d+: 0x[0-9a-f]+ - .+!.+$"));
        trap.Message.Should().Contain("Guest backtrace:").And.Contain(trap.GuestBacktrace[0]);
    }

    [Fact]
    public void A_wasi_exit_reports_its_status()
    {
        using var instance = Component.Value.Instantiate();
        var exit = instance.Invoking(i => i.Invoke("run", true)).Should().Throw<ComponentTrapException>().Which;
        exit.ExitStatus.Should().Be(1);
    }
}
