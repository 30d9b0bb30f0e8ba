using System.Runtime.InteropServices;
using System.Text;
using FluentAssertions;
using WasmDynamic.Native;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// Pins the layout of every native struct WasmDynamic mirrors (Native/Structs.cs) against the Wasmtime binary the
/// NuGet package ships: the sizes and offsets of our mirrors, and real calls whose results are read at raw byte
/// offsets, so a Wasmtime upgrade that moves a field fails here rather than corrupting memory elsewhere.
/// </summary>
/// <remarks>
/// "Sentinel" checks fill a buffer with a known byte, let Wasmtime write a value into it, and look at how far the
/// write reached: a struct that Wasmtime writes must end where our mirror says it ends. Each sentinel write is done
/// with two fill bytes so that a written byte equal to the fill cannot hide the extent.
/// </remarks>
public sealed unsafe class NativeLayoutTests : IClassFixture<NativeLayoutTests.Components>
{
    // Offsets from wasmtime/component/val.h and types/*.h (x64 / arm64: 8-byte pointers and size_t).
    private const int ValSize = 32;                // { uint8 kind; union (8-aligned, 24 bytes) of; }
    private const int ValOf = 8;                   // the union
    private const int VariantPayloadOffset = 24;   // variant: { wasm_name_t discriminant @8; val* val @24 }
    private const int ResultIsOkOffset = 8;        // result: { bool is_ok @8; val* val @16 }
    private const int ResultPayloadOffset = 16;
    private const int RecordEntrySize = 48;        // { wasm_name_t name @0; val val @16 }
    private const int RecordEntryValue = 16;
    private const int MapEntrySize = 64;           // { val key @0; val value @32 }
    private const int MapEntryValue = 32;

    private const string ItemsWat = """
        (component
          (type $point (record (field "x" s32) (field "y" s32)))
          (export $p "point" (type $point))
          (type $r (resource (rep i32)))
          (export "r" (type $r))
          (core module $m (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
          (core instance $i (instantiate $m))
          (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
          (export "add" (func $add))
          (export "m" (core module $m))
          (instance $calc (export "add" (func $add)))
          (export "calc" (instance $calc))
        )
        """;

    // map<string, u32> lowers like list<tuple<string, u32>>: (ptr, len) in, a pointer to (ptr, len) out.
    private const string MapWat = """
        (component
          (core module $m
            (memory (export "memory") 1)
            (global $heap (mut i32) (i32.const 1024))
            (func (export "realloc") (param i32 i32 i32 i32) (result i32)
              (local $p i32)
              (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                                     (i32.sub (i32.const 0) (local.get 2))))
              (global.set $heap (i32.add (local.get $p) (local.get 3)))
              (local.get $p))
            (func (export "id") (param $ptr i32) (param $len i32) (result i32)
              (i32.store (i32.const 16) (local.get $ptr))
              (i32.store (i32.const 20) (local.get $len))
              (i32.const 16)))
          (core instance $i (instantiate $m))
          (alias core export $i "memory" (core memory $mem))
          (alias core export $i "realloc" (core func $realloc))
          (type $map (map string u32))
          (func (export "roundtrip-map") (param "m" $map) (result $map)
            (canon lift (core func $i "id") (memory $mem) (realloc $realloc)))
        )
        """;

    private const string Shapes = "demo:types/shapes@0.1.0";

    private readonly Components _c;

    public NativeLayoutTests(Components components) => _c = components;

    /// <summary>The runtime and the compiled fixtures, shared by every test (compiling is the slow part).</summary>
    public sealed class Components : IDisposable
    {
        public Components()
        {
            Runtime = new ComponentRuntime();
            Scalars = Runtime.Load(Fixture("scalars.wat"));
            Strings = Runtime.Load(Fixture("strings.wat"));
            Compound = Runtime.Load(Fixture("compound.wat"));
            Items = Runtime.LoadText(ItemsWat, "items.wat");
            Map = Runtime.LoadText(MapWat, "map.wat");
        }

        public ComponentRuntime Runtime { get; }

        public WasmComponent Scalars { get; }

        public WasmComponent Strings { get; }

        public WasmComponent Compound { get; }

        public WasmComponent Items { get; }

        public WasmComponent Map { get; }

        private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

        public void Dispose()
        {
            Scalars.Dispose();
            Strings.Dispose();
            Compound.Dispose();
            Items.Dispose();
            Map.Dispose();
            Runtime.Dispose();
        }
    }

    // ---------------------------------------------------------------- our mirrors

    public static TheoryData<string, int, int> MirrorSizes() => new()
    {
        { nameof(Val), sizeof(Val), 32 },
        { nameof(RecordEntry), sizeof(RecordEntry), 48 },
        { nameof(MapEntry), sizeof(MapEntry), 64 },
        { nameof(ValType), sizeof(ValType), 16 },
        { nameof(ComponentItem), sizeof(ComponentItem), 24 },
        { nameof(ComponentFunc), sizeof(ComponentFunc), 32 },
        { nameof(ComponentInstanceNative), sizeof(ComponentInstanceNative), 16 },
        { nameof(ByteVec), sizeof(ByteVec), 16 },
        { nameof(ValVec), sizeof(ValVec), 16 },
        { nameof(RecordVec), sizeof(RecordVec), 16 },
        { nameof(ByteVecVec), sizeof(ByteVecVec), 16 },
        { nameof(MapVec), sizeof(MapVec), 16 },
    };

    [Theory]
    [MemberData(nameof(MirrorSizes))]
    public void Each_struct_mirror_has_the_size_of_the_native_struct(string mirror, int size, int expected)
    {
        size.Should().Be(expected, $"{mirror} must match the native struct byte for byte");
    }

    [Fact]
    public void Marshal_agrees_with_sizeof_for_every_mirror()
    {
        // Marshal.SizeOf is what a P/Invoke signature passing the struct by value would use.
        Marshal.SizeOf<Val>().Should().Be(sizeof(Val));
        Marshal.SizeOf<RecordEntry>().Should().Be(sizeof(RecordEntry));
        Marshal.SizeOf<MapEntry>().Should().Be(sizeof(MapEntry));
        Marshal.SizeOf<ValType>().Should().Be(sizeof(ValType));
        Marshal.SizeOf<ComponentItem>().Should().Be(sizeof(ComponentItem));
        Marshal.SizeOf<ComponentFunc>().Should().Be(sizeof(ComponentFunc));
        Marshal.SizeOf<ComponentInstanceNative>().Should().Be(sizeof(ComponentInstanceNative));
        Marshal.SizeOf<ByteVec>().Should().Be(sizeof(ByteVec));
    }

    [Fact]
    public void Val_fields_sit_at_the_offsets_of_the_C_union()
    {
        Val v = default;
        var b = (byte*)&v;
        Offset(b, &v.Kind).Should().Be(0);
        Offset(b, &v.Bool).Should().Be(ValOf);
        Offset(b, &v.S8).Should().Be(ValOf);
        Offset(b, &v.U64).Should().Be(ValOf);
        Offset(b, &v.F32).Should().Be(ValOf);
        Offset(b, &v.F64).Should().Be(ValOf);
        Offset(b, &v.Bytes).Should().Be(ValOf);
        Offset(b, &v.Vec).Should().Be(ValOf);
        Offset(b, &v.Record).Should().Be(ValOf);
        Offset(b, &v.Flags).Should().Be(ValOf);
        Offset(b, &v.Map).Should().Be(ValOf);
        Offset(b, &v.OptionPayload).Should().Be(ValOf);
        Offset(b, &v.Resource).Should().Be(ValOf);
        Offset(b, &v.VariantPayload).Should().Be(VariantPayloadOffset);
        Offset(b, &v.ResultIsOk).Should().Be(ResultIsOkOffset);
        Offset(b, &v.ResultPayload).Should().Be(ResultPayloadOffset);
    }

    [Fact]
    public void Entry_vec_item_and_handle_fields_sit_at_the_offsets_of_the_C_structs()
    {
        RecordEntry r = default;
        Offset(&r, &r.Name).Should().Be(0);
        Offset(&r, &r.Value).Should().Be(RecordEntryValue);

        MapEntry m = default;
        Offset(&m, &m.Key).Should().Be(0);
        Offset(&m, &m.Value).Should().Be(MapEntryValue);

        // Every vec is { size_t size; T* data; }.
        ByteVec bv = default;
        Offset(&bv, &bv.Size).Should().Be(0);
        Offset(&bv, &bv.Data).Should().Be(8);
        ValVec vv = default;
        Offset(&vv, &vv.Data).Should().Be(8);
        RecordVec rv = default;
        Offset(&rv, &rv.Data).Should().Be(8);
        ByteVecVec fv = default;
        Offset(&fv, &fv.Data).Should().Be(8);
        MapVec mv = default;
        Offset(&mv, &mv.Data).Should().Be(8);

        ValType t = default;
        Offset(&t, &t.Kind).Should().Be(0);
        Offset(&t, &t.Of).Should().Be(8);

        ComponentItem i = default;
        Offset(&i, &i.Kind).Should().Be(0);
        Offset(&i, &i.Pointer).Should().Be(8);
        Offset(&i, &i.Type).Should().Be(8);

        ComponentInstanceNative n = default;
        Offset(&n, &n.StoreId).Should().Be(0);
        Offset(&n, &n.Private).Should().Be(8);

        ComponentFunc f = default;
        Offset(&f, &f.StoreId).Should().Be(0);
        Offset(&f, &f.Private1).Should().Be(8);
        Offset(&f, &f.Private2).Should().Be(16);
        Offset(&f, &f.Private3).Should().Be(24);
    }

    // ---------------------------------------------------------------- handles written by Wasmtime

    [Fact]
    public void Instantiation_writes_a_16_byte_instance_that_starts_with_a_nonzero_store_id()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Scalars);

        // { uint64_t store_id; uint32_t __private; } + 4 bytes of tail padding.
        raw.InstanceFootprint.Should().BeInRange(12, sizeof(ComponentInstanceNative));
        raw.Instance.StoreId.Should().NotBe(0UL);
    }

    [Fact]
    public void A_component_func_is_32_bytes_and_begins_with_the_instance_it_belongs_to()
    {
        using var raw = new RawInstance(_c.Scalars.Runtime, _c.Scalars);
        var func = raw.Func(null, "add", out var footprint);

        // Wasmtime 50 writes all 32 bytes: { store_id, instance index } @0, a u32 @16 and a pointer-sized field @24.
        // Headers before 50 declared a 24-byte func without the last field; a 24-byte mirror would be overrun here.
        footprint.Should().Be(sizeof(ComponentFunc));
        func.StoreId.Should().Be(raw.Instance.StoreId);
        func.Private1.Should().Be(raw.Instance.Private);
        func.Private3.Should().NotBe(0);
    }

    // ---------------------------------------------------------------- values through wasmtime_component_func_call

    [Fact]
    public void Add_called_with_vals_we_laid_out_returns_their_sum_in_a_32_byte_result()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Scalars);
        var add = raw.Func(null, "add", out _);
        var args = stackalloc Val[2];
        Clear(args, 2);
        args[0].Kind = ValKind.U32;
        args[0].U32 = 40;
        args[1].Kind = ValKind.U32;
        args[1].U32 = 2;

        using var result = new ResultSlot();
        raw.Call(add, args, 2, result).Should().BeNull();

        result.Kind.Should().Be((byte)ValKind.U32);
        Read<uint>(result.Pointer, ValOf).Should().Be(42u);
        result.NextSlotUntouched.Should().BeTrue("Wasmtime writes one 32-byte val per result");
    }

    public static TheoryData<string, string, ulong> ScalarCases() => new()
    {
        { "roundtrip-bool", nameof(ValKind.Bool), 1 },
        { "roundtrip-s8", nameof(ValKind.S8), 0x80 },
        { "roundtrip-u8", nameof(ValKind.U8), 0xFE },
        { "roundtrip-s16", nameof(ValKind.S16), 0x8001 },
        { "roundtrip-u16", nameof(ValKind.U16), 0xFFFE },
        { "roundtrip-s32", nameof(ValKind.S32), 0x8000_0001 },
        { "roundtrip-u32", nameof(ValKind.U32), 0xFFFF_FFFE },
        { "roundtrip-s64", nameof(ValKind.S64), 0x8000_0000_0000_0001 },
        { "roundtrip-u64", nameof(ValKind.U64), 0xFFFF_FFFF_FFFF_FFFE },
        { "roundtrip-f32", nameof(ValKind.F32), BitConverter.SingleToUInt32Bits(-1.5f) },
        { "roundtrip-f64", nameof(ValKind.F64), BitConverter.DoubleToUInt64Bits(Math.PI) },
        { "roundtrip-char", nameof(ValKind.Char), 0x1F600 },
    };

    [Theory]
    [MemberData(nameof(ScalarCases))]
    public void Every_scalar_kind_number_and_payload_offset_is_what_Wasmtime_expects(string function, string kindName, ulong bits)
    {
        var kind = Enum.Parse<ValKind>(kindName);
        using var raw = new RawInstance(_c.Runtime, _c.Scalars);
        var func = raw.Func(null, function, out _);
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = kind;
        arg->U64 = bits; // little-endian: the narrow members of the union share the low bytes at offset 8

        using var result = new ResultSlot();
        raw.Call(func, arg, 1, result).Should().BeNull("a wrong kind number would fail Wasmtime's type check");

        result.Kind.Should().Be((byte)kind);
        var width = kind switch
        {
            ValKind.Bool or ValKind.S8 or ValKind.U8 => 1,
            ValKind.S16 or ValKind.U16 => 2,
            ValKind.S32 or ValKind.U32 or ValKind.F32 or ValKind.Char => 4,
            _ => 8,
        };
        new ReadOnlySpan<byte>(result.Pointer + ValOf, width).ToArray()
            .Should().Equal(BitConverter.GetBytes(bits).Take(width), "the payload comes back at offset 8");
        result.NextSlotUntouched.Should().BeTrue();
    }

    [Fact]
    public void A_val_whose_kind_does_not_fit_the_parameter_is_rejected_not_misread()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Scalars);
        var func = raw.Func(null, "roundtrip-u32", out _);
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.S32;
        arg->S32 = 7;

        using var result = new ResultSlot();
        raw.Call(func, arg, 1, result).Should().Be("type mismatch: expected u32, found s32");
    }

    [Fact]
    public void A_string_is_a_size_then_data_vec_at_offset_8()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Strings);
        var echo = raw.Func(null, "echo", out _);
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.String;
        arg->Bytes = Name("héllo 😀");

        using var result = new ResultSlot();
        try
        {
            raw.Call(echo, arg, 1, result).Should().BeNull();
        }
        finally
        {
            ComponentApi.wasmtime_component_val_delete(arg);
        }

        result.Kind.Should().Be((byte)ValKind.String);
        ReadName(result.Pointer + ValOf).Should().Be("héllo 😀");
    }

    [Fact]
    public void Record_entries_are_48_bytes_with_the_name_first_and_the_value_at_16()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Compound);
        var func = raw.Func(Shapes, "roundtrip-point", out _);
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.Record;
        arg->Record = NewRecord(("x", ValKind.S32, 7), ("y", ValKind.S32, unchecked((uint)-9)));

        using var result = new ResultSlot();
        try
        {
            raw.Call(func, arg, 1, result).Should().BeNull();
        }
        finally
        {
            ComponentApi.wasmtime_component_val_delete(arg);
        }

        result.Kind.Should().Be((byte)ValKind.Record);
        Read<nuint>(result.Pointer, ValOf).Should().Be(2u);
        var entries = Read<nint>(result.Pointer, ValOf + 8);
        var x = (byte*)entries;
        var y = x + RecordEntrySize;
        ReadName(x).Should().Be("x");
        Read<byte>(x, RecordEntryValue).Should().Be((byte)ValKind.S32);
        Read<int>(x, RecordEntryValue + ValOf).Should().Be(7);
        ReadName(y).Should().Be("y");
        Read<byte>(y, RecordEntryValue).Should().Be((byte)ValKind.S32);
        Read<int>(y, RecordEntryValue + ValOf).Should().Be(-9);

        // Our mirror reads the same entries.
        var mirror = ((Val*)result.Pointer)->Record;
        mirror.Data[1].Name.ToUtf8String().Should().Be("y");
        mirror.Data[1].Value.S32.Should().Be(-9);
    }

    [Fact]
    public void A_record_result_comes_back_through_Exports_with_its_field_values()
    {
        using var instance = _c.Compound.Instantiate();
        var shapes = instance.Exports[Shapes];
        dynamic point = shapes.RoundtripPoint(new { X = 7, Y = -9 });
        ((int)point.X).Should().Be(7);
        ((int)point.Y).Should().Be(-9);
        dynamic made = shapes.MakePoint(int.MinValue, int.MaxValue);
        ((int)made.X).Should().Be(int.MinValue);
        ((int)made.Y).Should().Be(int.MaxValue);
    }

    [Fact]
    public void A_variant_has_its_case_name_at_8_and_a_payload_pointer_at_24()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Compound);
        var func = raw.Func(Shapes, "roundtrip-shape", out _);
        Val payload = default;
        payload.Kind = ValKind.F64;
        payload.F64 = 2.5;
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.Variant;
        arg->Bytes = Name("circle");
        arg->VariantPayload = ComponentApi.wasmtime_component_val_new(&payload);

        using var result = new ResultSlot();
        try
        {
            raw.Call(func, arg, 1, result).Should().BeNull();
        }
        finally
        {
            ComponentApi.wasmtime_component_val_delete(arg);
        }

        result.Kind.Should().Be((byte)ValKind.Variant);
        ReadName(result.Pointer + ValOf).Should().Be("circle");
        var back = (byte*)Read<nint>(result.Pointer, VariantPayloadOffset);
        Read<byte>(back, 0).Should().Be((byte)ValKind.F64);
        Read<double>(back, ValOf).Should().Be(2.5);
    }

    [Fact]
    public void An_option_is_a_val_pointer_at_8_and_null_means_none()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Compound);
        var func = raw.Func(Shapes, "roundtrip-option", out _);

        Val some = default;
        some.Kind = ValKind.String;
        some.Bytes = Name("hi");
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.Option;
        arg->OptionPayload = ComponentApi.wasmtime_component_val_new(&some);
        using (var result = new ResultSlot())
        {
            try
            {
                raw.Call(func, arg, 1, result).Should().BeNull();
            }
            finally
            {
                ComponentApi.wasmtime_component_val_delete(arg);
            }

            result.Kind.Should().Be((byte)ValKind.Option);
            var inner = (byte*)Read<nint>(result.Pointer, ValOf);
            Read<byte>(inner, 0).Should().Be((byte)ValKind.String);
            ReadName(inner + ValOf).Should().Be("hi");
        }

        Clear(arg, 1);
        arg->Kind = ValKind.Option;
        using (var result = new ResultSlot())
        {
            raw.Call(func, arg, 1, result).Should().BeNull();
            result.Kind.Should().Be((byte)ValKind.Option);
            Read<nint>(result.Pointer, ValOf).Should().Be(0);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_result_has_is_ok_at_8_and_its_payload_pointer_at_16(bool ok)
    {
        using var raw = new RawInstance(_c.Runtime, _c.Compound);
        var func = raw.Func(Shapes, "roundtrip-result", out _);
        Val payload = default;
        if (ok)
        {
            payload.Kind = ValKind.U32;
            payload.U32 = 5;
        }
        else
        {
            payload.Kind = ValKind.String;
            payload.Bytes = Name("bad");
        }

        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.Result;
        arg->ResultIsOk = ok ? (byte)1 : (byte)0;
        arg->ResultPayload = ComponentApi.wasmtime_component_val_new(&payload);

        using var result = new ResultSlot();
        try
        {
            raw.Call(func, arg, 1, result).Should().BeNull();
        }
        finally
        {
            ComponentApi.wasmtime_component_val_delete(arg);
        }

        result.Kind.Should().Be((byte)ValKind.Result);
        Read<byte>(result.Pointer, ResultIsOkOffset).Should().Be(ok ? (byte)1 : (byte)0);
        var back = (byte*)Read<nint>(result.Pointer, ResultPayloadOffset);
        if (ok)
        {
            Read<byte>(back, 0).Should().Be((byte)ValKind.U32);
            Read<uint>(back, ValOf).Should().Be(5u);
        }
        else
        {
            Read<byte>(back, 0).Should().Be((byte)ValKind.String);
            ReadName(back + ValOf).Should().Be("bad");
        }
    }

    [Fact]
    public void An_enum_is_a_name_vec_and_flags_are_a_vec_of_name_vecs()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Compound);
        var color = raw.Func(Shapes, "roundtrip-color", out _);
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.Enum;
        arg->Bytes = Name("blue-ish");
        using (var result = new ResultSlot())
        {
            try
            {
                raw.Call(color, arg, 1, result).Should().BeNull();
            }
            finally
            {
                ComponentApi.wasmtime_component_val_delete(arg);
            }

            result.Kind.Should().Be((byte)ValKind.Enum);
            ReadName(result.Pointer + ValOf).Should().Be("blue-ish");
        }

        var perms = raw.Func(Shapes, "roundtrip-perms8", out _);
        Clear(arg, 1);
        arg->Kind = ValKind.Flags;
        ByteVecVec names;
        ComponentApi.wasmtime_component_valflags_new_uninit(&names, 2);
        names.Data[0] = Name("read");
        names.Data[1] = Name("audit");
        arg->Flags = names;
        using (var result = new ResultSlot())
        {
            try
            {
                raw.Call(perms, arg, 1, result).Should().BeNull();
            }
            finally
            {
                ComponentApi.wasmtime_component_val_delete(arg);
            }

            result.Kind.Should().Be((byte)ValKind.Flags);
            Read<nuint>(result.Pointer, ValOf).Should().Be(2u);
            var data = (byte*)Read<nint>(result.Pointer, ValOf + 8);
            new[] { ReadName(data), ReadName(data + sizeof(ByteVec)) }.Should().BeEquivalentTo("read", "audit");
        }
    }

    [Fact]
    public void Tuples_and_lists_are_vecs_of_32_byte_vals()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Compound);
        var tuple = raw.Func(Shapes, "roundtrip-tuple", out _);
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.Tuple;
        ValVec items;
        ComponentApi.wasmtime_component_valtuple_new_uninit(&items, 3);
        items.Data[0].Kind = ValKind.U32;
        items.Data[0].U32 = 11;
        items.Data[1].Kind = ValKind.String;
        items.Data[1].Bytes = Name("mid");
        items.Data[2].Kind = ValKind.F64;
        items.Data[2].F64 = -0.25;
        arg->Vec = items;
        using (var result = new ResultSlot())
        {
            try
            {
                raw.Call(tuple, arg, 1, result).Should().BeNull();
            }
            finally
            {
                ComponentApi.wasmtime_component_val_delete(arg);
            }

            result.Kind.Should().Be((byte)ValKind.Tuple);
            Read<nuint>(result.Pointer, ValOf).Should().Be(3u);
            var data = (byte*)Read<nint>(result.Pointer, ValOf + 8);
            Read<byte>(data, 0).Should().Be((byte)ValKind.U32);
            Read<uint>(data, ValOf).Should().Be(11u);
            Read<byte>(data, ValSize).Should().Be((byte)ValKind.String);
            ReadName(data + ValSize + ValOf).Should().Be("mid");
            Read<byte>(data, (2 * ValSize)).Should().Be((byte)ValKind.F64);
            Read<double>(data, (2 * ValSize) + ValOf).Should().Be(-0.25);
        }

        var list = raw.Func(Shapes, "roundtrip-list-point", out _);
        Clear(arg, 1);
        arg->Kind = ValKind.List;
        ValVec points;
        ComponentApi.wasmtime_component_vallist_new_uninit(&points, 2);
        for (var i = 0; i < 2; i++)
        {
            points.Data[i].Kind = ValKind.Record;
            points.Data[i].Record = NewRecord(("x", ValKind.S32, (uint)(10 * i)), ("y", ValKind.S32, (uint)((10 * i) + 1)));
        }

        arg->Vec = points;
        using (var result = new ResultSlot())
        {
            try
            {
                raw.Call(list, arg, 1, result).Should().BeNull();
            }
            finally
            {
                ComponentApi.wasmtime_component_val_delete(arg);
            }

            result.Kind.Should().Be((byte)ValKind.List);
            Read<nuint>(result.Pointer, ValOf).Should().Be(2u);
            var second = (byte*)Read<nint>(result.Pointer, ValOf + 8) + ValSize;
            Read<byte>(second, 0).Should().Be((byte)ValKind.Record);
            var fields = (byte*)Read<nint>(second, ValOf + 8);
            ReadName(fields + RecordEntrySize).Should().Be("y");
            Read<int>(fields, RecordEntrySize + RecordEntryValue + ValOf).Should().Be(11);
        }
    }

    [Fact]
    public void Map_entries_are_64_bytes_with_the_key_at_0_and_the_value_at_32()
    {
        using var raw = new RawInstance(_c.Runtime, _c.Map);
        var func = raw.Func(null, "roundtrip-map", out _);
        var arg = stackalloc Val[1];
        Clear(arg, 1);
        arg->Kind = ValKind.Map;
        MapVec entries;
        ComponentApi.wasmtime_component_valmap_new_uninit(&entries, 2);
        entries.Size.Should().Be(2u);
        for (var i = 0; i < 2; i++)
        {
            entries.Data[i].Key.Kind = ValKind.String;
            entries.Data[i].Key.Bytes = Name(i == 0 ? "one" : "two");
            entries.Data[i].Value.Kind = ValKind.U32;
            entries.Data[i].Value.U32 = (uint)i + 1;
        }

        arg->Map = entries;
        using var result = new ResultSlot();
        try
        {
            raw.Call(func, arg, 1, result).Should().BeNull();
        }
        finally
        {
            ComponentApi.wasmtime_component_val_delete(arg);
        }

        result.Kind.Should().Be((byte)ValKind.Map);
        Read<nuint>(result.Pointer, ValOf).Should().Be(2u);
        var data = (byte*)Read<nint>(result.Pointer, ValOf + 8);
        var pairs = Enumerable.Range(0, 2).Select(i =>
        {
            var entry = data + (i * MapEntrySize);
            Read<byte>(entry, 0).Should().Be((byte)ValKind.String);
            Read<byte>(entry, MapEntryValue).Should().Be((byte)ValKind.U32);
            return (ReadName(entry + ValOf), Read<uint>(entry, MapEntryValue + ValOf));
        }).ToList();
        pairs.Should().BeEquivalentTo(new[] { ("one", 1u), ("two", 2u) });
    }

    // ---------------------------------------------------------------- vec constructors and val_new

    [Fact]
    public void Uninit_vec_constructors_write_the_size_first_and_the_data_pointer_second()
    {
        var buffer = stackalloc byte[32];
        var owner = stackalloc Val[1];
        foreach (var (kind, construct, stride) in new (ValKind, Action<nint>, int)[]
        {
            (ValKind.List, p => ComponentApi.wasmtime_component_vallist_new_uninit((ValVec*)p, 3), ValSize),
            (ValKind.Tuple, p => ComponentApi.wasmtime_component_valtuple_new_uninit((ValVec*)p, 3), ValSize),
            (ValKind.Record, p => ComponentApi.wasmtime_component_valrecord_new_uninit((RecordVec*)p, 3), RecordEntrySize),
            (ValKind.Flags, p => ComponentApi.wasmtime_component_valflags_new_uninit((ByteVecVec*)p, 3), sizeof(ByteVec)),
            (ValKind.Map, p => ComponentApi.wasmtime_component_valmap_new_uninit((MapVec*)p, 3), MapEntrySize),
        })
        {
            new Span<byte>(buffer, 32).Fill(0xCD);
            construct((nint)buffer);
            Footprint(buffer, 32, 0xCD).Should().Be(16, $"a {kind} vec is two words");
            Read<nuint>(buffer, 0).Should().Be(3u, $"the {kind} vec's size comes first");
            var data = (byte*)Read<nint>(buffer, 8);
            ((nint)data).Should().NotBe(0);

            // The elements are default values (kind bool, empty names), which also makes them safe to free.
            var firstFieldOfEachElement = Enumerable.Range(0, 3).Select(i => Read<byte>(data, i * stride)).ToList();
            firstFieldOfEachElement.Should().AllSatisfy(b => b.Should().Be(0));

            // Hand the vec back to Wasmtime inside a val of the matching kind.
            Clear(owner, 1);
            owner->Kind = kind;
            Buffer.MemoryCopy(buffer, (byte*)owner + ValOf, 16, 16);
            ComponentApi.wasmtime_component_val_delete(owner);
        }
    }

    [Fact]
    public void Val_new_moves_a_val_to_the_heap_and_leaves_a_false_bool_behind()
    {
        Val number = default;
        number.Kind = ValKind.U64;
        number.U64 = 0x0123_4567_89AB_CDEF;
        var heap = ComponentApi.wasmtime_component_val_new(&number);
        try
        {
            Read<byte>(heap, 0).Should().Be((byte)ValKind.U64);
            Read<ulong>(heap, ValOf).Should().Be(0x0123_4567_89AB_CDEFUL);
            number.Kind.Should().Be(ValKind.Bool);
            number.Bool.Should().Be(0);
        }
        finally
        {
            ComponentApi.wasmtime_component_val_free(heap);
        }

        Val text = default;
        text.Kind = ValKind.String;
        text.Bytes = Name("moved");
        heap = ComponentApi.wasmtime_component_val_new(&text);
        try
        {
            Read<byte>(heap, 0).Should().Be((byte)ValKind.String);
            ReadName((byte*)heap + ValOf).Should().Be("moved");
            text.Kind.Should().Be(ValKind.Bool, "ownership of the string moved to the heap val");
        }
        finally
        {
            ComponentApi.wasmtime_component_val_free(heap);
        }
    }

    // ---------------------------------------------------------------- type reflection

    [Fact]
    public void Component_type_exports_report_item_kinds_in_a_24_byte_item()
    {
        var kinds = new Dictionary<string, string>();
        ForEachExportItem(_c.Items, (name, item) =>
            kinds[name] = item->Kind == ComponentItemKind.Type ? $"{item->Kind} {item->Type.Kind}" : item->Kind.ToString());

        // Root components cannot export nested components and no export is a core func, so kinds 0 and 5 are not covered.
        kinds.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["point"] = "Type Record",
            ["r"] = "Resource",
            ["add"] = "ComponentFunc",
            ["m"] = "Module",
            ["calc"] = "ComponentInstance",
        });
    }

    [Fact]
    public void A_type_item_embeds_its_valtype_at_offset_8()
    {
        var fields = new List<string>();
        var outs = stackalloc nint[2];
        var type = stackalloc ValType[1];
        ForEachExportItem(_c.Items, (name, item) =>
        {
            if (name != "point")
            {
                return;
            }

            var record = item->Type.Of;
            var count = ComponentApi.wasmtime_component_record_type_field_count(record);
            for (nuint n = 0; n < count; n++)
            {
                ComponentApi.wasmtime_component_record_type_field_nth(record, n, (byte**)outs, (nuint*)(outs + 1), type).Should().BeTrue();
                fields.Add($"{Encoding.UTF8.GetString((byte*)outs[0], (int)outs[1])}: {type->Kind}");
                ComponentApi.wasmtime_component_valtype_delete(type);
            }
        });

        fields.Should().Equal("x: S32", "y: S32");
        _c.Items.ToWit().Should().Contain("x: s32").And.Contain("add: func(a: u32, b: u32) -> u32;");
    }

    public static TheoryData<string, string> ParamKinds() => new()
    {
        { "roundtrip-bool", nameof(ValTypeKind.Bool) }, { "roundtrip-s8", nameof(ValTypeKind.S8) }, { "roundtrip-u8", nameof(ValTypeKind.U8) },
        { "roundtrip-s16", nameof(ValTypeKind.S16) }, { "roundtrip-u16", nameof(ValTypeKind.U16) }, { "roundtrip-s32", nameof(ValTypeKind.S32) },
        { "roundtrip-u32", nameof(ValTypeKind.U32) }, { "roundtrip-s64", nameof(ValTypeKind.S64) }, { "roundtrip-u64", nameof(ValTypeKind.U64) },
        { "roundtrip-f32", nameof(ValTypeKind.F32) }, { "roundtrip-f64", nameof(ValTypeKind.F64) }, { "roundtrip-char", nameof(ValTypeKind.Char) },
    };

    [Theory]
    [MemberData(nameof(ParamKinds))]
    public void Func_type_params_are_16_byte_valtypes_numbered_as_in_valtype_h(string function, string kindName)
    {
        var expected = Enum.Parse<ValTypeKind>(kindName);
        var outs = stackalloc nint[2];
        var buffer = stackalloc byte[48];
        var result = stackalloc ValType[1];
        ValTypeKind? paramKind = null, resultKind = null;
        var paramName = string.Empty;
        var footprint = 0;
        ForEachExportItem(_c.Scalars, (name, item) =>
        {
            if (name != function)
            {
                return;
            }

            item->Kind.Should().Be(ComponentItemKind.ComponentFunc);
            var funcType = item->Pointer;
            ComponentApi.wasmtime_component_func_type_param_count(funcType).Should().Be(1u);
            footprint = Footprint(
                buffer,
                48,
                p => ComponentApi.wasmtime_component_func_type_param_nth(funcType, 0, (byte**)outs, (nuint*)(outs + 1), (ValType*)p).Should().BeTrue(),
                p => ComponentApi.wasmtime_component_valtype_delete((ValType*)p));
            paramKind = ((ValType*)buffer)->Kind;
            paramName = Encoding.UTF8.GetString((byte*)outs[0], (int)outs[1]);
            ComponentApi.wasmtime_component_valtype_delete((ValType*)buffer);

            ComponentApi.wasmtime_component_func_type_result(funcType, result).Should().BeTrue();
            resultKind = result->Kind;
            ComponentApi.wasmtime_component_valtype_delete(result);
        });

        paramKind.Should().Be(expected);
        resultKind.Should().Be(expected);
        paramName.Should().Be("x");
        footprint.Should().BeLessThanOrEqualTo(sizeof(ValType), "Wasmtime writes one valtype of 16 bytes");
    }

    // ---------------------------------------------------------------- helpers

    private static long Offset(void* structure, void* field) => (byte*)field - (byte*)structure;

    private static T Read<T>(void* p, int offset)
        where T : unmanaged
        => *(T*)((byte*)p + offset);

    private static void Clear(Val* vals, int count) => new Span<byte>(vals, count * ValSize).Clear();

    /// <summary>A Wasmtime-owned name (so val_delete can free it).</summary>
    private static ByteVec Name(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        ByteVec vec;
        WasmtimeApi.wasm_byte_vec_new_uninitialized(&vec, (nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(vec.Data, bytes.Length));
        return vec;
    }

    /// <summary>Reads a <c>wasm_name_t</c> at <paramref name="p"/> by raw offsets: size at 0, data at 8.</summary>
    private static string ReadName(byte* p) => Encoding.UTF8.GetString((byte*)Read<nint>(p, 8), checked((int)Read<nuint>(p, 0)));

    private static RecordVec NewRecord(params (string Name, ValKind Kind, uint Value)[] fields)
    {
        RecordVec vec;
        ComponentApi.wasmtime_component_valrecord_new_uninit(&vec, (nuint)fields.Length);
        vec.Size.Should().Be((nuint)fields.Length);
        for (var i = 0; i < fields.Length; i++)
        {
            vec.Data[i].Name = Name(fields[i].Name);
            vec.Data[i].Value.Kind = fields[i].Kind;
            vec.Data[i].Value.U32 = fields[i].Value;
        }

        return vec;
    }

    private static int Footprint(byte* buffer, int capacity, byte fill)
    {
        var end = 0;
        for (var i = 0; i < capacity; i++)
        {
            if (buffer[i] != fill)
            {
                end = i + 1;
            }
        }

        return end;
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill <paramref name="buffer"/> twice, over two different fill bytes, and returns
    /// how far the writes reached. The first write is released; the second stays for the caller.
    /// </summary>
    internal static int Footprint(byte* buffer, int capacity, Action<nint> write, Action<nint>? release = null)
    {
        var end = 0;
        foreach (var fill in new byte[] { 0xCD, 0x5A })
        {
            if (fill == 0x5A && release is not null)
            {
                release((nint)buffer);
            }

            new Span<byte>(buffer, capacity).Fill(fill);
            write((nint)buffer);
            end = Math.Max(end, Footprint(buffer, capacity, fill));
        }

        return end;
    }

    /// <summary>Runs <paramref name="visit"/> over the item of every root export of <paramref name="component"/>'s type.</summary>
    private void ForEachExportItem(WasmComponent component, ItemVisitor visit)
    {
        var engine = _c.Runtime.Engine.Pointer;
        var type = ComponentApi.wasmtime_component_type(component.Handle.Pointer);
        type.Should().NotBe(0);
        var outs = stackalloc nint[3];
        var buffer = stackalloc byte[48];
        try
        {
            var count = ComponentApi.wasmtime_component_type_export_count(type, engine);
            for (nuint n = 0; n < count; n++)
            {
                ComponentApi.wasmtime_component_type_export_nth(type, engine, n, (byte**)outs, (nuint*)(outs + 1), outs + 2).Should().BeTrue();
                var ext = outs[2];
                try
                {
                    var exportName = Encoding.UTF8.GetString((byte*)outs[0], (int)outs[1]);
                    var footprint = Footprint(buffer, 48, p => ComponentApi.wasmtime_component_extern_type(ext, (ComponentItem*)p), p => ComponentApi.wasmtime_component_item_delete((ComponentItem*)p));
                    footprint.Should().BeLessThanOrEqualTo(sizeof(ComponentItem), $"the item for '{exportName}' is a kind byte and a 16-byte union at 8");
                    try
                    {
                        visit(exportName, (ComponentItem*)buffer);
                    }
                    finally
                    {
                        ComponentApi.wasmtime_component_item_delete((ComponentItem*)buffer);
                    }
                }
                finally
                {
                    ComponentApi.wasmtime_component_extern_delete(ext);
                }
            }
        }
        finally
        {
            ComponentApi.wasmtime_component_type_delete(type);
        }
    }

    private delegate void ItemVisitor(string name, ComponentItem* item);

    /// <summary>One result val plus a sentinel-filled neighbour that shows how much Wasmtime wrote.</summary>
    private sealed class ResultSlot : IDisposable
    {
        public ResultSlot()
        {
            Pointer = (byte*)NativeMemory.Alloc(2 * ValSize);

            // Wasmtime assigns into the slot, dropping what it held: it must start as a valid val (false).
            new Span<byte>(Pointer, ValSize).Clear();
            new Span<byte>(Pointer + ValSize, ValSize).Fill(0xCD);
        }

        public byte* Pointer { get; }

        public bool Filled { get; set; }

        public byte Kind => Pointer[0];

        public bool NextSlotUntouched => new ReadOnlySpan<byte>(Pointer + ValSize, ValSize).IndexOfAnyExcept((byte)0xCD) < 0;

        public void Dispose()
        {
            if (Filled)
            {
                ComponentApi.wasmtime_component_val_delete((Val*)Pointer);
            }

            NativeMemory.Free(Pointer);
        }
    }

    /// <summary>An instance made with the raw C API in its own store, so tests see every native struct Wasmtime writes.</summary>
    private sealed class RawInstance : IDisposable
    {
        private readonly nint _store;

        public RawInstance(ComponentRuntime runtime, WasmComponent component)
        {
            var engine = runtime.Engine.Pointer;
            _store = WasmtimeApi.wasmtime_store_new(engine, 0, null);
            Context = WasmtimeApi.wasmtime_store_context(_store);
            if (runtime.Options.EpochInterruption)
            {
                // The engine interrupts at the store's epoch deadline, which starts at 0: move it out of reach.
                WasmtimeApi.wasmtime_context_set_epoch_deadline(Context, ulong.MaxValue / 2);
            }

            var linker = ComponentApi.wasmtime_component_linker_new(engine);
            try
            {
                var buffer = stackalloc byte[64];
                InstanceFootprint = Footprint(buffer, 64, p =>
                {
                    var error = ComponentApi.wasmtime_component_linker_instantiate(linker, Context, component.Handle.Pointer, (ComponentInstanceNative*)p);
                    error.Should().Be(0, error == 0 ? null : NativeError.TakeMessage(error));
                });
                Instance = *(ComponentInstanceNative*)buffer;
            }
            finally
            {
                ComponentApi.wasmtime_component_linker_delete(linker);
            }
        }

        public nint Context { get; }

        public ComponentInstanceNative Instance { get; }

        public int InstanceFootprint { get; }

        public ComponentFunc Func(string? instanceName, string name, out int footprint)
        {
            var instance = stackalloc ComponentInstanceNative[1];
            *instance = Instance;
            nint parent = 0;
            nint index = 0;
            try
            {
                if (instanceName is not null)
                {
                    parent = ExportIndex(instance, 0, instanceName);
                    parent.Should().NotBe(0, $"the component exports '{instanceName}'");
                }

                index = ExportIndex(instance, parent, name);
                index.Should().NotBe(0, $"the component exports '{name}'");
                var buffer = stackalloc byte[64];
                var context = Context;
                var found = index;
                footprint = Footprint(buffer, 64, p => ComponentApi.wasmtime_component_instance_get_func(instance, context, found, (ComponentFunc*)p).Should().BeTrue());
                return *(ComponentFunc*)buffer;
            }
            finally
            {
                if (index != 0)
                {
                    ComponentApi.wasmtime_component_export_index_delete(index);
                }

                if (parent != 0)
                {
                    ComponentApi.wasmtime_component_export_index_delete(parent);
                }
            }
        }

        /// <summary>Calls <paramref name="func"/>; returns Wasmtime's error message, or null on success.</summary>
        public string? Call(ComponentFunc func, Val* args, int count, ResultSlot result)
        {
            var error = ComponentApi.wasmtime_component_func_call(&func, Context, args, (nuint)count, (Val*)result.Pointer, 1);
            if (error != 0)
            {
                return NativeError.TakeMessage(error);
            }

            result.Filled = true;
            return null;
        }

        private nint ExportIndex(ComponentInstanceNative* instance, nint parent, string name)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            fixed (byte* p = bytes)
            {
                return ComponentApi.wasmtime_component_instance_get_export_index(instance, Context, parent, p, (nuint)bytes.Length);
            }
        }

        public void Dispose() => WasmtimeApi.wasmtime_store_delete(_store);
    }
}
