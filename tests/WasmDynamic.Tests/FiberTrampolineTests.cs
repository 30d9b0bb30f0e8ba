using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using FluentAssertions;
using WasmDynamic.Native;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The native fiber callbacks that async calls will run on (no managed code may run on a Wasmtime fiber; see
/// <see cref="FiberTrampolines"/>): layouts pinned, each routine driven through real async calls of Wasmtime 50.
/// </summary>
public sealed class FiberTrampolineTests : IDisposable
{
    private readonly ComponentRuntime _runtime = new();
    private readonly WasmComponent _component;

    public FiberTrampolineTests()
    {
        _component = _runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "async-host.wat"));
    }

    public void Dispose()
    {
        _component.Dispose();
        _runtime.Dispose();
    }

    [Fact]
    public unsafe void The_mailbox_layout_is_the_one_the_machine_code_uses()
    {
        sizeof(MailboxLayout).Should().Be(88);
        Offset(nameof(MailboxLayout.State)).Should().Be(0);
        Offset(nameof(MailboxLayout.ImportId)).Should().Be(8);
        Offset(nameof(MailboxLayout.Results)).Should().Be(16);
        Offset(nameof(MailboxLayout.ResultCount)).Should().Be(24);
        Offset(nameof(MailboxLayout.ArgumentCount)).Should().Be(32);
        Offset(nameof(MailboxLayout.Arguments)).Should().Be(40);
        Offset(nameof(MailboxLayout.ArgumentCapacity)).Should().Be(48);
        Offset(nameof(MailboxLayout.Done)).Should().Be(56);
        Offset(nameof(MailboxLayout.Drops)).Should().Be(64);
        Offset(nameof(MailboxLayout.DropCount)).Should().Be(72);
        Offset(nameof(MailboxLayout.DropCapacity)).Should().Be(80);

        static int Offset(string field) => (int)Marshal.OffsetOf<MailboxLayout>(field);
    }

    [Fact]
    public void The_symbol_offsets_point_at_the_routines()
    {
        var code = FiberTrampolines.X64SysV;
        code[..5].ToArray().Should().Equal(0x53, 0x41, 0x54, 0x41, 0x55);            // host_call: push rbx; push r12; push r13
        var pollDone = FiberTrampolines.PollDoneOffset;
        code[pollDone..(pollDone + 4)].ToArray().Should().Equal(0x0F, 0xB6, 0x07, 0xC3);                // movzx eax, byte [rdi]; ret
        code[(pollDone - 1)].Should().Be(0xC3, "host_call ends right before poll_done");
        code[FiberTrampolines.ResourceDropOffset..(FiberTrampolines.ResourceDropOffset + 3)].ToArray().Should().Equal(0x53, 0x41, 0x54); // push rbx; push r12
        code[(FiberTrampolines.OutputWriteOffset - 1)].Should().Be(0xC3, "resource_drop ends right before output_write");
        code[FiberTrampolines.OutputWriteOffset..(FiberTrampolines.OutputWriteOffset + 3)].ToArray().Should().Equal(0x53, 0x41, 0x54);
        code[^1].Should().Be(0xC3);
        FiberTrampolines.PollDone.Should().Be(FiberTrampolines.HostCall + pollDone);
    }

    [Fact]
    public async Task A_host_call_suspends_the_guest_until_the_host_completes_it_on_another_thread()
    {
        using var raw = new RawAsync(_runtime, _component);
        var threads = new HashSet<int>();
        raw.AddImport("wait", async call =>
        {
            var ms = RawAsync.ArgU32(call, 0);
            await Task.Delay((int)ms);
            threads.Add(Environment.CurrentManagedThreadId);
            RawAsync.SetResult(call, RawAsync.U32(ms * 10));
        });
        AddUnused(raw, "greet", "many");
        raw.AddHostResource("res", 7);
        using var store = raw.NewStore();
        await store.InstantiateAsync();

        var watch = Stopwatch.StartNew();
        var result = await store.CallAsync("run-twice", [RawAsync.U32(30)], hasResult: true);

        result.U32.Should().Be(30 * 10 + 31 * 10);
        watch.ElapsedMilliseconds.Should().BeGreaterThanOrEqualTo(55, "both host calls waited");
        threads.Should().NotBeEmpty();
    }

    [Fact]
    public async Task String_arguments_are_moved_out_before_Wasmtime_frees_them_and_string_results_are_taken_over()
    {
        using var raw = new RawAsync(_runtime, _component);
        raw.AddImport("greet", async call =>
        {
            call.ArgumentCount.Should().Be(1);
            RawAsync.ArgKind(call, 0).Should().Be(ValKind.String);
            var name = RawAsync.ArgString(call, 0);
            await Task.Yield();
            GC.Collect();
            RawAsync.SetResult(call, RawAsync.String($"hello, {name}!"));
        });
        AddUnused(raw, "wait", "many");
        raw.AddHostResource("res", 7);
        using var store = raw.NewStore();
        await store.InstantiateAsync();

        for (var i = 0; i < 50; i++)
        {
            var name = new string('x', i * 7) + "é" + i;
            var result = await store.CallAsync("hello", [RawAsync.String(name)], hasResult: true);
            TakeString(result).Should().Be($"hello, {name}!");
        }
    }

    [Fact]
    public async Task An_import_with_more_arguments_than_the_mailbox_holds_traps_and_the_store_survives()
    {
        using var raw = new RawAsync(_runtime, _component) { MaxArguments = 4 };
        raw.AddImport("many", _ => throw new InvalidOperationException("must not be called"));
        AddUnused(raw, "wait", "greet");
        raw.AddHostResource("res", 7);
        using var store = raw.NewStore();
        await store.InstantiateAsync();

        var call = async () => await store.CallAsync("call-many", [], hasResult: true);

        await call.Should().ThrowAsync<InvalidOperationException>().WithMessage("*more arguments than the store's fiber mailbox holds*");
        var after = async () => await store.CallAsync("spin", [RawAsync.U32(10)], hasResult: true);
        await after.Should().ThrowAsync<InvalidOperationException>("a trapped instance refuses further calls, cleanly");
    }

    [Fact]
    public async Task A_host_call_in_a_store_without_a_mailbox_traps_instead_of_crashing()
    {
        using var raw = new RawAsync(_runtime, _component) { WithoutMailbox = true };
        raw.AddImport("wait", _ => throw new InvalidOperationException("must not be called"));
        AddUnused(raw, "greet", "many");
        raw.AddHostResource("res", 7);
        using var store = raw.NewStore();
        await store.InstantiateAsync();

        var call = async () => await store.CallAsync("run", [RawAsync.U32(1)], hasResult: true);

        await call.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no fiber mailbox*");
    }

    [Fact]
    public async Task Five_arguments_fit_a_mailbox_of_five()
    {
        using var raw = new RawAsync(_runtime, _component) { MaxArguments = 5 };
        raw.AddImport("many", call =>
        {
            uint sum = 0;
            for (var i = 0; i < call.ArgumentCount; i++)
            {
                sum = (sum * 10) + RawAsync.ArgU32(call, i);
            }

            RawAsync.SetResult(call, RawAsync.U32(sum));
            return ValueTask.CompletedTask;
        });
        AddUnused(raw, "wait", "greet");
        raw.AddHostResource("res", 7);
        using var store = raw.NewStore();
        await store.InstantiateAsync();

        (await store.CallAsync("call-many", [], hasResult: true)).U32.Should().Be(12345);
    }

    [Fact]
    public async Task Cancelling_a_call_that_waits_on_the_host_drops_the_guest_and_frees_everything()
    {
        using var raw = new RawAsync(_runtime, _component);
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        raw.AddImport("greet", async call =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancel.Token);
        });
        AddUnused(raw, "wait", "many");
        raw.AddHostResource("res", 7);
        var store = raw.NewStore();
        await store.InstantiateAsync();

        var call = store.CallAsync("hello", [RawAsync.String(new string('y', 10_000))], hasResult: true, cancel.Token);
        await started.Task;
        cancel.Cancel();

        // The host's task ends cancelled; the driver deletes the future without resuming the guest, and the store
        // (with the string argument the mailbox still owns) is freed.
        await call.Invoking(c => c).Should().ThrowAsync<OperationCanceledException>();
        store.Dispose();
    }

    [Fact]
    public async Task Dropped_host_resources_are_queued_and_a_full_queue_traps()
    {
        using var raw = new RawAsync(_runtime, _component) { DropCapacity = 1 };
        AddUnused(raw, "wait", "greet", "many");
        raw.AddHostResource("res", 7);
        using var store = raw.NewStore();
        await store.InstantiateAsync();

        await store.CallAsync("consume", [HostResource(store, 41)], hasResult: false);
        store.Drops.Should().Equal((7u, 41u));

        var two = async () => await store.CallAsync("consume-two", [HostResource(store, 1), HostResource(store, 2)], hasResult: false);
        await two.Should().ThrowAsync<InvalidOperationException>().WithMessage("*async drop queue is full*");
    }

    [Fact]
    public async Task Epoch_yields_give_the_thread_back_during_a_long_pure_wasm_call()
    {
        using var raw = new RawAsync(_runtime, _component);
        AddUnused(raw, "wait", "greet", "many");
        raw.AddHostResource("res", 7);
        using var store = raw.NewStore(context =>
        {
            AsyncApi.wasmtime_context_epoch_deadline_async_yield_and_update(context, 1);
            WasmtimeApi.wasmtime_context_set_epoch_deadline(context, 1);
        });
        await store.InstantiateAsync();
        // A dedicated thread, not a timer: a starved thread pool (tests run in parallel) must not stop the ticks.
        var ticking = true;
        var engine = _runtime.Engine.Pointer;
        var ticker = new Thread(() => { while (Volatile.Read(ref ticking)) { WasmtimeApi.wasmtime_engine_increment_epoch(engine); Thread.Sleep(2); } }) { IsBackground = true };
        ticker.Start();

        Val result;
        try
        {
            result = await store.CallAsync("spin", [RawAsync.U32(300_000_000)], hasResult: true);
        }
        finally
        {
            Volatile.Write(ref ticking, false);
            ticker.Join();
        }

        result.U32.Should().Be(300_000_000);
        store.Yields.Should().BeGreaterThan(0, "the guest yielded at epoch ticks");
    }

    [Fact]
    public unsafe void The_output_routine_appends_and_grows_its_buffer()
    {
        using var buffer = new FiberOutputBuffer(initialCapacity: 8);
        var write = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, nint>)FiberTrampolines.OutputWrite;
        var expected = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            var chunk = Encoding.UTF8.GetBytes($"line {i} {new string('z', i % 50)}\n");
            fixed (byte* p = chunk)
            {
                write(buffer.Pointer, p, (nuint)chunk.Length).Should().Be(chunk.Length);
            }

            expected.Append(Encoding.UTF8.GetString(chunk));
        }

        string? drained = null;
        buffer.Drain(bytes => drained = Encoding.UTF8.GetString(bytes));
        drained.Should().Be(expected.ToString());
        buffer.Length.Should().Be(0);
    }

    [Fact]
    public void Many_instances_waiting_at_once_on_the_host_survive_forced_collections_in_a_child_process()
    {
        var result = ChildProcess.Run("async-fiber-callbacks-under-gc", TimeSpan.FromSeconds(120));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("OK 1000 instances");
    }

    private static unsafe string TakeString(Val value)
    {
        var text = value.Bytes.ToUtf8String();
        ComponentApi.wasmtime_component_val_delete(&value);
        return text;
    }

    private static unsafe Val HostResource(RawAsync.Store store, uint rep)
    {
        var host = ComponentApi.wasmtime_component_resource_host_new(true, rep, 7);
        nint any;
        RawAsync.Check(ComponentApi.wasmtime_component_resource_host_to_any(store.Context, host, &any));
        ComponentApi.wasmtime_component_resource_host_delete(host);
        return new Val { Kind = ValKind.Resource, Resource = any };
    }

    private static void AddUnused(RawAsync raw, params string[] names)
    {
        foreach (var name in names)
        {
            raw.AddImport(name, _ => throw new InvalidOperationException($"{name} must not be called"));
        }
    }
}
