;; scalars.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Root exports (WIT):
;;   roundtrip-bool: func(x: bool) -> bool
;;   roundtrip-s8:   func(x: s8) -> s8
;;   roundtrip-u8:   func(x: u8) -> u8
;;   roundtrip-s16:  func(x: s16) -> s16
;;   roundtrip-u16:  func(x: u16) -> u16
;;   roundtrip-s32:  func(x: s32) -> s32
;;   roundtrip-u32:  func(x: u32) -> u32
;;   roundtrip-s64:  func(x: s64) -> s64
;;   roundtrip-u64:  func(x: u64) -> u64
;;   roundtrip-f32:  func(x: f32) -> f32
;;   roundtrip-f64:  func(x: f64) -> f64
;;   roundtrip-char: func(x: char) -> char
;;   add:            func(a: u32, b: u32) -> u32     (wrapping 32-bit add)
;;   noop:           func()
;;
;; Every scalar flattens to exactly one core value, so each roundtrip is a plain
;; core identity function; no memory/realloc canonical options are needed.
(component
  (core module $impl
    (memory (export "memory") 1)
    ;; Bump allocator. Never frees; grows memory on demand.
    (global $heap (mut i32) (i32.const 4096))
    (func $realloc (export "realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
      (result i32)
      (local $ptr i32) (local $end i32) (local $have i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
      (if (i32.lt_u (local.get $end) (local.get $ptr)) (then unreachable))
      (local.set $have (i32.shl (memory.size) (i32.const 16)))
      (if (i32.gt_u (local.get $end) (local.get $have))
        (then
          (if (i32.eq
                (memory.grow
                  (i32.shr_u
                    (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                    (i32.const 16)))
                (i32.const -1))
            (then unreachable))))
      (global.set $heap (local.get $end))
      (if (local.get $old)
        (then
          (memory.copy (local.get $ptr) (local.get $old)
            (select (local.get $old_size) (local.get $new_size)
              (i32.lt_u (local.get $old_size) (local.get $new_size))))))
      (local.get $ptr))

    (func (export "id-i32") (param i32) (result i32) (local.get 0))
    (func (export "id-i64") (param i64) (result i64) (local.get 0))
    (func (export "id-f32") (param f32) (result f32) (local.get 0))
    (func (export "id-f64") (param f64) (result f64) (local.get 0))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    (func (export "noop"))
  )
  (core instance $i (instantiate $impl))

  (func $roundtrip-bool (param "x" bool) (result bool) (canon lift (core func $i "id-i32")))
  (func $roundtrip-s8 (param "x" s8) (result s8) (canon lift (core func $i "id-i32")))
  (func $roundtrip-u8 (param "x" u8) (result u8) (canon lift (core func $i "id-i32")))
  (func $roundtrip-s16 (param "x" s16) (result s16) (canon lift (core func $i "id-i32")))
  (func $roundtrip-u16 (param "x" u16) (result u16) (canon lift (core func $i "id-i32")))
  (func $roundtrip-s32 (param "x" s32) (result s32) (canon lift (core func $i "id-i32")))
  (func $roundtrip-u32 (param "x" u32) (result u32) (canon lift (core func $i "id-i32")))
  (func $roundtrip-s64 (param "x" s64) (result s64) (canon lift (core func $i "id-i64")))
  (func $roundtrip-u64 (param "x" u64) (result u64) (canon lift (core func $i "id-i64")))
  (func $roundtrip-f32 (param "x" f32) (result f32) (canon lift (core func $i "id-f32")))
  (func $roundtrip-f64 (param "x" f64) (result f64) (canon lift (core func $i "id-f64")))
  (func $roundtrip-char (param "x" char) (result char) (canon lift (core func $i "id-i32")))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func $noop (canon lift (core func $i "noop")))

  (export "roundtrip-bool" (func $roundtrip-bool))
  (export "roundtrip-s8" (func $roundtrip-s8))
  (export "roundtrip-u8" (func $roundtrip-u8))
  (export "roundtrip-s16" (func $roundtrip-s16))
  (export "roundtrip-u16" (func $roundtrip-u16))
  (export "roundtrip-s32" (func $roundtrip-s32))
  (export "roundtrip-u32" (func $roundtrip-u32))
  (export "roundtrip-s64" (func $roundtrip-s64))
  (export "roundtrip-u64" (func $roundtrip-u64))
  (export "roundtrip-f32" (func $roundtrip-f32))
  (export "roundtrip-f64" (func $roundtrip-f64))
  (export "roundtrip-char" (func $roundtrip-char))
  (export "add" (func $add))
  (export "noop" (func $noop))
)
