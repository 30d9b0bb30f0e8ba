using System.Collections.Immutable;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>The root functions of Fixtures/values.wat, typed.</summary>
public interface IValuesRoot
{
    uint[] EchoU32s(uint[] xs);
    IEnumerable<uint> EchoU32s(IEnumerable<uint> xs);
    string EchoString(string s);
    uint FailUnit();
    uint Recurse();
    void BadDrop();
}

public enum Priority { Low, HighIsh }

[Flags]
public enum Tags { None = 0, Urgent = 1, AtHome = 2 }

public sealed record Date(byte Day, byte Month);

/// <summary>The <c>board</c> resource of demo:values/todo, as the user declares it.</summary>
public interface IBoard : IDisposable
{
    uint Add(string title, Priority priority, Tags tags, Date? due);
    uint Take(uint i);
}

[WitName("demo:values/todo")]
public interface ITodo
{
    IBoard CreateBoard();
}

/// <summary>Issue 12, items 7, 8, 10, 16 and 17: values are range-checked, arguments named, messages precise.</summary>
public class ValueReliabilityTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Values = new(() => Runtime.Load(Fixture("values.wat")));

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void A_negative_element_for_a_list_of_u32_is_rejected_on_every_path_instead_of_wrapping()
    {
        using var instance = Values.Value.Instantiate();
        var exports = instance.Exports;
        uint[] ok = exports.EchoU32s(new[] { 1, 2 });
        ok.Should().Equal([1u, 2u], "in-range ints pass for a list<u32>");

        var inputs = new object[] { new[] { 1, -1 }, new List<int> { 1, -1 }, ImmutableArray.Create(1, -1), Enumerable.Range(0, 2).Select(i => i == 0 ? 1 : -1) };
        foreach (var input in inputs)
        {
            Action viaDynamic = () => exports.EchoU32s(input);
            viaDynamic.Should().Throw<ComponentArgumentException>(input.GetType().Name).WithMessage("*-1*u32*xs[1]*echo-u32s: func(xs: list<u32>) -> list<u32>*");
            instance.Invoking(i => i.Invoke("echo-u32s", input)).Should().Throw<ComponentArgumentException>().WithMessage("*-1*xs[1]*");
        }

        // A CLR int[] is also a uint[] to the runtime (array covariance): the typed path must not reinterpret it.
        var typed = instance.GetInterface<IValuesRoot>("");
        typed.Invoking(t => t.EchoU32s((uint[])(object)new[] { 1, -1 })).Should().Throw<ComponentArgumentException>().WithMessage("*-1*xs[1]*");
        typed.Invoking(t => t.EchoU32s((IEnumerable<uint>)(object)new[] { 5, -5 })).Should().Throw<ComponentArgumentException>().WithMessage("*-5*xs[1]*");
        typed.EchoU32s(new uint[] { 7, uint.MaxValue }).Should().Equal(7u, uint.MaxValue);
    }

    [Fact]
    public void Out_of_range_elements_are_rejected_inside_nested_lists_tuples_options_and_records()
    {
        using var instance = Values.Value.Instantiate();
        var exports = instance.Exports;
        Action nested = () => exports.EchoU32Lists(new[] { new[] { 1 }, new[] { 2, -3 } });
        nested.Should().Throw<ComponentArgumentException>().WithMessage("*-3*xs[1][1]*");
        Action tuple = () => exports.EchoPairs(new[] { (1, 2), (3, 200) });
        tuple.Should().Throw<ComponentArgumentException>().WithMessage("*200*s8*xs[1].1*");
        Action option = () => exports.EchoOptions(new int?[] { 1, null, -4 });
        option.Should().Throw<ComponentArgumentException>().WithMessage("*-4*xs[2]*");
        Action record = () => exports.Todo.EchoBatch(new { Ids = new[] { 1, -1 }, Due = (object?)null });
        record.Should().Throw<ComponentArgumentException>().WithMessage("*-1*b.ids[1]*echo-batch*");

        uint[][] lists = exports.EchoU32Lists(new[] { new[] { 1 }, new[] { 2, 3 } });
        lists.Should().BeEquivalentTo(new[] { new uint[] { 1 }, new uint[] { 2, 3 } });
        (uint, sbyte)[] pairs = exports.EchoPairs(new[] { (1, -2) });
        pairs.Should().Equal((1u, (sbyte)-2));
        uint?[] options = exports.EchoOptions(new int?[] { 1, null });
        options.Should().Equal(1u, null);
        var batch = exports.Todo.EchoBatch(new { Ids = new[] { 1, 2 }, Due = new { Day = 3, Month = 4 } });
        ((uint[])batch.Ids).Should().Equal(1u, 2u);
        ((byte)batch.Due.Day).Should().Be(3);
    }

    [Fact]
    public void Dynamic_named_arguments_bind_by_wit_parameter_name_and_unknown_names_are_rejected()
    {
        using var instance = Values.Value.Instantiate();
        var exports = instance.Exports;
        int named = exports.Sub(b: 1, a: 10);
        named.Should().Be(9);
        int mixed = exports.Sub(10, b: 1);
        mixed.Should().Be(9);
        int pascal = exports.Sub(B: 1, A: 10);
        pascal.Should().Be(9);
        int viaReference = exports["sub"](b: 2, a: 10);
        viaReference.Should().Be(8);

        Action unknown = () => exports.Sub(a: 1, c: 2);
        unknown.Should().Throw<ComponentArgumentException>().WithMessage("*'c'*a, b*sub: func(a: s32, b: s32) -> s32*");
        Action twice = () => exports.Sub(1, a: 2);
        twice.Should().Throw<ComponentArgumentException>().WithMessage("*'a'*twice*");
        Action unknownOnReference = () => exports["sub"](a: 1, c: 2);
        unknownOnReference.Should().Throw<ComponentArgumentException>().WithMessage("*'c'*");
    }

    [Fact]
    public void A_record_value_with_a_member_the_record_lacks_is_rejected_naming_function_parameter_and_member()
    {
        using var instance = Values.Value.Instantiate();
        var todo = instance.Exports.Todo;
        Action extra = () => todo.EchoBatch(new { Ids = new[] { 1 }, Due = (object?)null, Extra = 1 });
        var e = extra.Should().Throw<ComponentArgumentException>().Which;
        e.Message.Should().Match("*record batch*'Extra'*ids, due*");
        e.Message.Should().Contain("demo:values/todo#echo-batch").And.Contain("'b'");
        e.Function.Should().Be("demo:values/todo#echo-batch");
        e.Parameter.Should().Be("b");
        Action nested = () => todo.EchoBatch(new { Ids = new[] { 1 }, Due = new { Day = 1, Month = 2, Year = 2026 } });
        nested.Should().Throw<ComponentArgumentException>().WithMessage("*record date*'Year'*b.due*");
        var dictionary = new Dictionary<string, object?> { ["ids"] = new[] { 1 }, ["due"] = null, ["colour"] = "red" };
        Action fromDictionary = () => todo.EchoBatch(dictionary);
        fromDictionary.Should().Throw<ComponentArgumentException>().WithMessage("*'colour'*");
    }

    [Fact]
    public void A_record_argument_whose_getter_throws_is_an_argument_error_naming_property_path_and_function_with_the_getter_exception_inside()
    {
        var component = Runtime.Load(Fixture("host-roundtrip.wat"));
        using var instance = component.Instantiate(new ComponentImports().Add("demo:host/values@0.1.0", new EchoHost()));
        dynamic e = instance.Exports;
        Action record = () => e.CallPoint(new ThrowingPoint());
        var error = record.Should().Throw<ComponentArgumentException>().Which;
        error.Message.Should().Match("reading property 'X' of ThrowingPoint threw InvalidOperationException: getter X*Fix the getter*'p'*call-point: func(p: point) -> point*");
        error.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("getter X");
        Action payload = () => e.CallShape(new { Case = "rect", Value = new ThrowingPoint() });
        payload.Should().Throw<ComponentArgumentException>().WithMessage("reading property 'X'*s.rect*call-shape*")
            .WithInnerException<InvalidOperationException>();
        Action element = () => e.CallListPoint(new object[] { new { X = 1, Y = 2 }, new ThrowingPoint() });
        element.Should().Throw<ComponentArgumentException>().WithMessage("reading property 'X'*l[1]*call-list-point*");
        object point = e.CallPoint(new { X = 1, Y = 2 });
        point.Should().NotBeNull("a rejected argument leaves the instance usable");
    }

    [Fact]
    public void A_record_argument_hiding_a_base_property_uses_the_most_derived_one_and_case_duplicate_dictionary_keys_are_an_argument_error()
    {
        var component = Runtime.Load(Fixture("host-roundtrip.wat"));
        using var instance = component.Instantiate(new ComponentImports().Add("demo:host/values@0.1.0", new EchoHost()));
        dynamic e = instance.Exports;
        dynamic hidden = e.CallPoint(new HidingPoint { X = 7, Y = 2 });
        ((int)hidden.Y).Should().Be(7, "the host swaps X and Y, and the derived X (7) hides the base X (-100), as in C#");
        ((int)hidden.X).Should().Be(2);
        Action duplicate = () => e.CallPoint(new Dictionary<string, object?> { ["x"] = 1, ["X"] = 2, ["y"] = 3 });
        duplicate.Should().Throw<ComponentArgumentException>()
            .WithMessage("the dictionary passed has the keys 'x' and 'X', which differ only in case*keep one of them*'p'*call-point*");
    }

    /// <summary>A point-shaped object whose X getter throws.</summary>
    public sealed class ThrowingPoint
    {
        /// <summary>Throws.</summary>
        public int X => throw new InvalidOperationException("getter X");

        /// <summary>2.</summary>
        public int Y => 2;
    }

    /// <summary>A point whose X is hidden by <see cref="HidingPoint"/>.</summary>
    public class BasePoint
    {
        /// <summary>The hidden X.</summary>
        public int X { get; set; } = -100;

        /// <summary>Y.</summary>
        public int Y { get; set; }
    }

    /// <summary>Hides <see cref="BasePoint.X"/> with a <c>long</c>.</summary>
    public sealed class HidingPoint : BasePoint
    {
        /// <summary>The X that counts.</summary>
        public new long X { get; set; }
    }

    [Fact]
    public void A_string_with_a_lone_surrogate_is_rejected_on_every_path_and_valid_text_passes()
    {
        using var instance = Values.Value.Instantiate();
        string emoji = instance.Exports.EchoString("a😀b");
        emoji.Should().Be("a😀b");
        Action dynamicCall = () => instance.Exports.EchoString("a\uD800b");
        dynamicCall.Should().Throw<ComponentArgumentException>().WithMessage("*surrogate*U+D800*index 1*'s'*echo-string*");
        var typed = instance.GetInterface<IValuesRoot>("");
        typed.Invoking(t => t.EchoString("x\uDC00")).Should().Throw<ComponentArgumentException>().WithMessage("*surrogate*U+DC00*'s'*echo-string*");
        Action inRecord = () => instance.Exports.Todo.Board().Add("bad\uD83D", "low", Array.Empty<string>(), null);
        inRecord.Should().Throw<ComponentArgumentException>().WithMessage("*surrogate*'title'*[method]board.add*");
        typed.EchoString("still fine").Should().Be("still fine", "a rejected argument does not poison the instance");
    }

    [Fact]
    public void A_host_import_returning_a_lone_surrogate_traps_with_the_argument_error_instead_of_sending_U_FFFD()
    {
        var component = Runtime.Load(Fixture("host-roundtrip.wat"));
        using var instance = component.Instantiate(new ComponentImports().Add("demo:host/values@0.1.0", new SurrogateHost()));
        var e = instance.GetInterface<IHostRoundtrip>("").Invoking(g => g.CallString("x")).Should().Throw<ComponentTrapException>().Which;
        e.TrapCode.Should().Be(ComponentTrapCode.HostError);
        e.InnerException.Should().BeOfType<ComponentArgumentException>().Which.Message.Should().Contain("lone UTF-16 surrogate U+D800");
    }

    /// <summary>A host whose string import returns text that is not valid Unicode.</summary>
    public sealed class SurrogateHost : EchoHost
    {
        public override string EchoString(string x) => x + "\uD800";
    }

    [Fact]
    public void Dynamic_calls_on_a_guest_resource_coerce_enum_flags_variant_and_record_arguments()
    {
        using var instance = Values.Value.Instantiate();
        var board = instance.Exports.Todo.Board();
        uint added = board.Add("Buy milk", "high-ish", new[] { "urgent" }, new { Day = 3, Month = 4 });
        added.Should().Be(8000 + 100 + 10 + 3);
        uint pascal = board.Add("ab", "HighIsh", "urgent, at-home", null);
        pascal.Should().Be(2000 + 100 + 30);
        uint named = board.Add(due: null, tags: Array.Empty<string>(), priority: "low", title: "x");
        named.Should().Be(1000);
        uint moved = board.Move(new { Case = "index", Value = 5 });
        moved.Should().Be(1005);
        uint top = board.Move("top");
        top.Should().Be(0);
        ((string)board.ResourceName).Should().Be("board", "the CLR members of the object still bind");
        Action unknown = () => board.Nope(1);
        unknown.Should().Throw<ComponentExportNotFoundException>().WithMessage("*'Nope'*resource 'board'*add, move, take*");
        Action badEnum = () => board.Add("x", "urgent", Array.Empty<string>(), null);
        badEnum.Should().Throw<ComponentArgumentException>().WithMessage("*'urgent'*low, high-ish*'priority'*");
        board.Dispose();
        ((bool)board.IsDisposed).Should().BeTrue();
    }

    [Fact]
    public void Dynamic_calls_on_a_resource_object_bound_to_a_user_interface_coerce_arguments_too()
    {
        using var instance = Values.Value.Instantiate();
        dynamic board = instance.GetInterface<ITodo>().CreateBoard();
        uint added = board.Add("ab", "low", "urgent", new { Day = 9, Month = 1 });
        added.Should().Be(2000 + 10 + 9);
        uint taken = board.Take(i: 0);
        taken.Should().Be(7);
        board.Dispose();
    }

    [Fact]
    public void A_null_argument_names_the_function_and_the_parameter_on_the_typed_and_dynamic_paths()
    {
        using var instance = Values.Value.Instantiate();
        var typed = instance.GetInterface<IValuesRoot>("");
        var e = typed.Invoking(t => t.EchoString(null!)).Should().Throw<ComponentArgumentException>().Which;
        e.Message.Should().Match("*null*'s'*echo-string*echo-string: func(s: string) -> string*");
        e.Function.Should().Be("echo-string");
        e.Parameter.Should().Be("s");
        using var board = instance.GetInterface<ITodo>().CreateBoard();
        board.Invoking(b => b.Add(null!, Priority.Low, Tags.None, null)).Should().Throw<ComponentArgumentException>().WithMessage("*null*'title'*demo:values/todo#[method]board.add*");
        Action viaDynamic = () => instance.Exports.Todo.Board().Add(null, "low", Array.Empty<string>(), null);
        viaDynamic.Should().Throw<ComponentArgumentException>().WithMessage("*null*'title'*[method]board.add*");
        Action arrays = () => instance.Exports.EchoU32s(null);
        arrays.Should().Throw<ComponentArgumentException>().WithMessage("*null*'xs'*echo-u32s*");
    }

    [Fact]
    public void An_err_from_a_resource_method_names_the_function_and_result_without_an_error_type_has_a_null_payload()
    {
        using var instance = Values.Value.Instantiate();
        using var board = instance.GetInterface<ITodo>().CreateBoard();
        board.Take(0).Should().Be(7);
        var e = board.Invoking(b => b.Take(1)).Should().Throw<ComponentErrorException>().Which;
        e.Payload.Should().Be("no such item");
        e.Function.Should().Be("demo:values/todo#[method]board.take");
        e.Message.Should().Contain("[method]board.take").And.Contain("no such item");
        var unit = instance.GetInterface<IValuesRoot>("").Invoking(t => t.FailUnit()).Should().Throw<ComponentErrorException>().Which;
        unit.Payload.Should().BeNull("result<u32> has no error type");
        unit.Function.Should().Be("fail-unit");
    }

    [Fact]
    public void Trap_messages_lead_with_the_cause_then_the_function_and_signature_then_the_backtrace()
    {
        using (var instance = Values.Value.Instantiate())
        {
            var e = instance.GetInterface<IValuesRoot>("").Invoking(t => t.Recurse()).Should().Throw<ComponentTrapException>().Which;
            e.TrapCode.Should().Be(ComponentTrapCode.StackOverflow);
            e.Message.Should().StartWith("call stack exhausted");
            e.Message.Should().Contain("'recurse' (recurse: func() -> u32)");
            e.Message.IndexOf("recurse: func", StringComparison.Ordinal).Should().BeLessThan(e.Message.IndexOf("0x", StringComparison.Ordinal), "the backtrace comes last");
            e.GuestBacktrace.Should().NotBeEmpty();
        }

        using (var instance = Values.Value.Instantiate())
        {
            var e = instance.GetInterface<IValuesRoot>("").Invoking(t => t.BadDrop()).Should().Throw<ComponentTrapException>().Which;
            e.TrapCode.Should().Be(ComponentTrapCode.InvalidValue);
            e.Message.Should().StartWith("unknown handle index 3");
            e.Message.Should().Contain("'bad-drop' (bad-drop: func())");
        }
    }

    [Fact]
    public void Exceeding_the_live_handle_limit_of_an_instance_is_a_HandleLimit_trap_that_says_what_to_do()
    {
        using var instance = Values.Value.Instantiate();
        var todo = instance.GetInterface<ITodo>();
        var live = new List<IBoard>();
        var e = FluentActions.Invoking(() =>
        {
            for (var i = 0; i < 200_000; i++)
            {
                live.Add(todo.CreateBoard());
            }
        }).Should().Throw<ComponentTrapException>().Which;
        live.Count.Should().BeInRange(90_000, 110_000);
        e.TrapCode.Should().Be(ComponentTrapCode.HandleLimit);
        e.Message.Should().StartWith("cannot allocate another handle").And.Contain("100,000 live resource handles").And.Contain("dispose");
    }

    [Fact]
    public void A_host_resource_destructor_that_throws_is_named_in_the_trap()
    {
        var component = Runtime.Load(Fixture("host-resources.wat"));
        using var instance = component.Instantiate(new ComponentImports().AddResource<FailingBlob>("demo:host/store@0.1.0", "blob"));
        var e = instance.GetInterface<IHostResourceUser>("").Invoking(u => u.Run("abc")).Should().Throw<ComponentTrapException>().Which;
        e.TrapCode.Should().Be(ComponentTrapCode.HostError);
        e.InnerException.Should().BeOfType<IOException>();
        e.Message.Should().NotContain("(unknown)").And.Contain("[resource-drop]blob").And.Contain("IOException");
    }

    /// <summary>A host blob whose Dispose throws.</summary>
    public sealed class FailingBlob : IDisposable
    {
        private readonly System.Text.StringBuilder _text;

        public FailingBlob(string init) => _text = new System.Text.StringBuilder(init);

        public void Append(string s) => _text.Append(s);

        public uint Len() => (uint)_text.Length;

        public static FailingBlob Concat(FailingBlob a, FailingBlob b) => new(a._text.ToString() + b._text);

        public FailingBlob Copy() => new(_text.ToString());

        public FailingBlob Join(FailingBlob other) => new(_text.ToString() + other._text);

        public uint Same(FailingBlob other) => ReferenceEquals(this, other) ? 1u : 0u;

        public void Dispose() => throw new IOException("the blob store is gone");
    }
}
