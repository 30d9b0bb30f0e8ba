using FluentAssertions;
using Xunit;

// These tests are about threads that block: they wait with bounds, on dedicated threads, on purpose.
#pragma warning disable xUnit1031

namespace WasmDynamic.Tests;

/// <summary>Defects found by an adversarial review of issue 12 (reliability II), one regression test each.</summary>
public class AdversarialReliabilityTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "lifecycle.wat");
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Fixture));

    private static ComponentInstance Instantiate(Func<uint> poke, TimeSpan? timeout = null, CancellationToken token = default) =>
        Component.Value.Instantiate(new InstanceOptions
        {
            Imports = ComponentImports.FromObject(new { Poke = poke }),
            CallTimeout = timeout,
            CancellationToken = token,
        });

    [Fact]
    public void A_call_with_a_token_cancelled_before_it_starts_is_always_refused_and_leaves_the_instance_usable()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var instance = Instantiate(() => 0);
        var api = instance.GetInterface<ILifecycle>();
        api.Add(1, 2).Should().Be(3, "the instance works before the scope");

        // Before the fix a short call with a cancelled token ran or not depending on whether an epoch tick fell inside it.
        for (var i = 0; i < 200; i++)
        {
            using (instance.CancelCallsOn(cts.Token))
            {
                var act = () => api.Add(1, 2);
                act.Should().Throw<ComponentCanceledException>()
                    .WithMessage("The call was stopped because its cancellation token was cancelled.*'add'*")
                    .Which.CancellationToken.Should().Be(cts.Token);
            }
        }

        instance.IsPoisoned.Should().BeFalse("a call refused before the guest ran leaves nothing broken");
        api.Add(2, 3).Should().Be(5);

        using var cancelledForGood = Instantiate(() => 0, token: cts.Token);
        var typed = cancelledForGood.GetInterface<ILifecycle>();
        for (var i = 0; i < 200; i++)
        {
            var act = () => typed.Add(1, 2);
            act.Should().Throw<ComponentCanceledException>("InstanceOptions.CancellationToken cancels every later call");
        }
    }

    [Fact]
    public void Exports_first_used_while_another_thread_disposes_or_recreates_the_instance_never_touch_a_freed_store()
    {
        // Before the fix the function lookup ran outside the instance lock: a segfault (exit 139) or Wasmtime's
        // "object used with the wrong store" panic (exit 134) within a few iterations.
        var result = ChildProcess.Run("first-use-racing-dispose-and-recreate", TimeSpan.FromSeconds(120));
        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().StartWith("OK ").And.Contain("disposed=150");
    }

    [Fact]
    public void A_recreation_after_a_trap_that_fails_leaves_the_instance_poisoned_and_a_later_call_recreates_it()
    {
        // Before the fix the failed recreation cleared the poison: the next call ran the old store's function in the
        // half-made new store, and Wasmtime aborted the process ("object used with the wrong store", exit 134).
        var result = ChildProcess.Run("recreate-that-fails");
        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().StartWith("OK add 3, boom trapped, ComponentBindingException (host function 'poke' (poke: func() -> u32) threw InvalidOperationException: the host is not ready: component 'start-poke.wat' could not be instantiated. Fix the host import")
            .And.Contain("ComponentBindingException, ComponentBindingException, add 4;", "every failed recreation is reported, and the first that works makes the instance usable again");
    }

    [Fact]
    public async Task A_cancellation_scope_opened_before_an_await_covers_the_calls_after_it_and_leaves_no_stale_scope_behind()
    {
        // CallTimeout is only a backstop: before the fix the scope was thread-static, so after the await the spin
        // ignored it and ended by timeout, and the opening thread kept the disposed scope as its current one.
        using var instance = Instantiate(() => 0, timeout: TimeSpan.FromSeconds(3));
        var api = instance.GetInterface<ILifecycle>();
        using var cts = new CancellationTokenSource();
        // Run without xunit's synchronization context, so the continuation after the await runs on another thread.
        var caught = await Task.Run(async () =>
        {
            var before = Environment.CurrentManagedThreadId;
            using (instance.CancelCallsOn(cts.Token))
            {
                await Task.Factory.StartNew(() => Thread.Sleep(20), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                Environment.CurrentManagedThreadId.Should().NotBe(before, "the test needs the continuation on another thread");
                cts.CancelAfter(TimeSpan.FromMilliseconds(50));
                try
                {
                    api.Spin();
                    return null;
                }
                catch (Exception e)
                {
                    return e;
                }
            }
        });

        caught.Should().BeOfType<ComponentCanceledException>();

        // The thread that opened the scope must not keep it: a call from there, after the scope ended, runs.
        using var again = Instantiate(() => 0);
        using var stale = new CancellationTokenSource();
        var result = 0u;
        Exception? onOtherThread = null;
        var thread = new Thread(() =>
        {
            try
            {
                var scope = again.CancelCallsOn(stale.Token);
                var t = Task.Run(() => scope.Dispose());
                t.Wait();
                stale.Cancel();
                result = again.GetInterface<ILifecycle>().Add(2, 3);
            }
            catch (Exception e)
            {
                onOtherThread = e;
            }
        });
        thread.Start();
        thread.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();
        onOtherThread.Should().BeNull("a scope disposed on another thread no longer covers calls on the thread that opened it");
        result.Should().Be(5);
    }

    [Fact]
    public void A_null_export_name_in_the_dynamic_indexer_is_an_ArgumentNullException_not_a_NullReferenceException()
    {
        using var instance = Instantiate(() => 0);
        dynamic exports = instance.Exports;
        var act = () => (object)exports[(string)null!];
        act.Should().Throw<ArgumentNullException>().WithMessage("An export name is needed*");
    }

    [Fact]
    public void A_cancellation_scope_reaches_calls_made_from_host_imports_of_a_call_run_on_the_big_stack_helper_thread()
    {
        // b has a long timeout only as a backstop: without the fix its spin ignores the scope and ends by timeout.
        using var b = Instantiate(() => 0, timeout: TimeSpan.FromSeconds(5));
        Exception? inner = null;
        using var a = Instantiate(() =>
        {
            try
            {
                b.Exports.Spin();
            }
            catch (Exception e)
            {
                inner = e;
            }

            return 1;
        });

        using var cts = new CancellationTokenSource();
        uint result = 0;
        Exception? outer = null;

        // A 256 KiB thread has too little stack for a call: a's call runs on a helper thread, and so does poke.
        var thread = new Thread(
            () =>
            {
                try
                {
                    using (b.CancelCallsOn(cts.Token))
                    {
                        cts.CancelAfter(TimeSpan.FromMilliseconds(100));
                        result = a.GetInterface<ILifecycle>().Run();
                    }
                }
                catch (Exception e)
                {
                    outer = e;
                }
            },
            256 * 1024);
        thread.Start();
        thread.Join(TimeSpan.FromSeconds(20)).Should().BeTrue();
        outer.Should().BeNull();
        result.Should().Be(2);
        inner.Should().BeOfType<ComponentCanceledException>("the scope opened on the calling thread covers b's call made from a's host import");
    }
}

/// <summary>Guest resource handles disposed while their instance is busy (Fixtures/resource-reentry.wat).</summary>
public class ResourceDisposeWhileBusyTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resource-reentry.wat")));

    [Fact]
    public void Disposing_a_handle_from_a_thread_its_instances_host_import_waits_for_is_a_deadlock_exception_not_a_hang()
    {
        dynamic? thing = null;
        Exception? failure = null;
        var returned = false;
        using var instance = Component.Value.Instantiate(new InstanceOptions
        {
            HostImportWaitTimeout = TimeSpan.FromMilliseconds(300),
            Imports = ComponentImports.FromObject(new
            {
                Poke = (Func<uint>)(() =>
                {
                    // The import waits for a thread that disposes a handle of this very instance.
                    var helper = new Thread(() =>
                    {
                        try
                        {
                            thing!.Dispose();
                        }
                        catch (Exception e)
                        {
                            failure = e;
                        }
                    });
                    helper.Start();
                    returned = helper.Join(TimeSpan.FromSeconds(5));
                    return 0;
                }),
            }),
        });

        thing = instance.Exports.Things.Thing();
        ((uint)instance.Exports.Run()).Should().Be(1);
        returned.Should().BeTrue("the dispose must give up instead of waiting forever for the call that waits for it");
        failure.Should().BeOfType<ComponentDeadlockException>()
            .Which.Message.Should().StartWith("The call '[resource-drop]thing' (resource thing) on thread").And.Contain("inside the host import 'poke'");
        ((bool)thing!.IsDisposed).Should().BeFalse("the refused dispose leaves the handle as it was");
        ((uint)instance.Exports.Drops()).Should().Be(0);
        thing.Dispose();
        ((uint)instance.Exports.Drops()).Should().Be(1);
    }

    [Fact]
    public void Disposing_a_handle_from_inside_a_host_import_of_its_own_instance_is_refused_instead_of_re_entering_the_guest()
    {
        dynamic? thing = null;
        Exception? failure = null;
        uint dropsSeenInside = 99;
        ComponentInstance? other = null;
        using var instance = Component.Value.Instantiate(new
        {
            Poke = (Func<uint>)(() =>
            {
                try
                {
                    thing!.Dispose();
                }
                catch (Exception e)
                {
                    failure = e;
                }

                dropsSeenInside = other!.Exports.Drops();
                return 0;
            }),
        });
        using var second = Component.Value.Instantiate(new { Poke = (Func<uint>)(() => 0) });
        other = second;

        thing = instance.Exports.Things.Thing();
        ((uint)instance.Exports.Run()).Should().Be(1);
        failure.Should().BeOfType<ComponentReentrancyException>()
            .Which.Message.Should().StartWith("Cannot dispose the thing resource from inside a host import of the component instance that owns it");
        dropsSeenInside.Should().Be(0, "calls into other instances from the import still work");
        ((uint)instance.Exports.Drops()).Should().Be(0, "the guest destructor did not run re-entrantly");
        instance.IsPoisoned.Should().BeFalse();
        thing!.Dispose();
        ((uint)instance.Exports.Drops()).Should().Be(1);

        // A handle of another instance can be disposed from the import: that enters a different instance.
        dynamic otherThing = second.Exports.Things.Thing();
        using var third = Component.Value.Instantiate(new { Poke = (Func<uint>)(() => { otherThing.Dispose(); return 0; }) });
        ((uint)third.Exports.Run()).Should().Be(1);
        ((uint)second.Exports.Drops()).Should().Be(1);
    }
}
