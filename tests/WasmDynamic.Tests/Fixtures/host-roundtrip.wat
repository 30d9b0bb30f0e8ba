;; host-roundtrip.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Equivalent WIT:
;;
;;   package demo:host@0.1.0;
;;
;;   interface values {
;;     record point { x: s32, y: s32 }
;;     record mixed { a: bool, b: u8, c: s16, d: u64, e: f32, f: string }
;;     variant shape { circle(f64), rect(point), none }
;;     enum color { red, green, blue-ish }
;;     flags perms { read, write, exec }
;;
;;     echo-bool: func(x: bool) -> bool;
;;     echo-s8: func(x: s8) -> s8;
;;     echo-u8: func(x: u8) -> u8;
;;     echo-s16: func(x: s16) -> s16;
;;     echo-u16: func(x: u16) -> u16;
;;     echo-s32: func(x: s32) -> s32;
;;     echo-u32: func(x: u32) -> u32;
;;     echo-s64: func(x: s64) -> s64;
;;     echo-u64: func(x: u64) -> u64;
;;     echo-f32: func(x: f32) -> f32;
;;     echo-f64: func(x: f64) -> f64;
;;     echo-char: func(x: char) -> char;
;;     echo-string: func(x: string) -> string;
;;     echo-bytes: func(x: list<u8>) -> list<u8>;
;;     echo-point: func(p: point) -> point;
;;     echo-mixed: func(m: mixed) -> mixed;
;;     echo-shape: func(s: shape) -> shape;
;;     echo-color: func(c: color) -> color;
;;     echo-perms: func(p: perms) -> perms;
;;     echo-tuple: func(t: tuple<u32, string>) -> tuple<u32, string>;
;;     echo-option: func(o: option<string>) -> option<string>;
;;     echo-result: func(r: result<u32, string>) -> result<u32, string>;
;;     echo-list-point: func(l: list<point>) -> list<point>;
;;     checked-divide: func(a: f64, b: f64) -> result<f64, string>;
;;     fail: func();
;;   }
;;
;;   world host-roundtrip {
;;     import values;
;;     use values.{point, mixed, shape, color, perms};
;;
;;     export call-bool: func(x: bool) -> bool;
;;     export call-s8: func(x: s8) -> s8;
;;     export call-u8: func(x: u8) -> u8;
;;     export call-s16: func(x: s16) -> s16;
;;     export call-u16: func(x: u16) -> u16;
;;     export call-s32: func(x: s32) -> s32;
;;     export call-u32: func(x: u32) -> u32;
;;     export call-s64: func(x: s64) -> s64;
;;     export call-u64: func(x: u64) -> u64;
;;     export call-f32: func(x: f32) -> f32;
;;     export call-f64: func(x: f64) -> f64;
;;     export call-char: func(x: char) -> char;
;;     export call-string: func(x: string) -> string;
;;     export call-bytes: func(x: list<u8>) -> list<u8>;
;;     export call-point: func(p: point) -> point;
;;     export call-mixed: func(m: mixed) -> mixed;
;;     export call-shape: func(s: shape) -> shape;
;;     export call-color: func(c: color) -> color;
;;     export call-perms: func(p: perms) -> perms;
;;     export call-tuple: func(t: tuple<u32, string>) -> tuple<u32, string>;
;;     export call-option: func(o: option<string>) -> option<string>;
;;     export call-result: func(r: result<u32, string>) -> result<u32, string>;
;;     export call-list-point: func(l: list<point>) -> list<point>;
;;     export call-checked-divide: func(a: f64, b: f64) -> result<f64, string>;
;;     export call-fail: func();
;;   }
;;
;; Every `call-X` forwards to the imported `echo-X` (`call-checked-divide` to
;; `checked-divide`, `call-fail` to `fail`) and returns what the host returned, so with
;; identity host functions each export is an identity too.
;;
;; The root exports use the imported interface's named types directly (aliased out of
;; the imported instance), which is how wit-component encodes a world that `use`s types
;; from an imported interface; the names point/mixed/shape/color/perms therefore come
;; from `demo:host/values@0.1.0` and there are no root-level type exports.
;;
;; Forwarding is trivial because the import and the export have the same signature:
;; the core function the export lifts gets the export's flat params and passes them on
;; unchanged to the lowered import. A result that flattens to one core value is returned
;; directly. A result that flattens to more (string, list, point, mixed, shape, tuple,
;; option, result) makes the lowered import take one extra i32, a return-area pointer it
;; writes the result into in its memory layout; the lifted export returns that same
;; pointer and reads the result back from it. Strings and lists in a result are
;; allocated by the host in this memory through `realloc`.
;;
;; Flat core signatures (params -> results), lowered import / lifted export:
;;   bool s8 u8 s16 u16 s32 u32 char color perms   (i32) -> i32
;;   s64 u64                                       (i64) -> i64
;;   f32 / f64                                     (f32) -> f32 / (f64) -> f64
;;   string, list<u8>, point, list<point>          (i32 i32 ret)   / (i32 i32) -> ret
;;   mixed                                         (i32 i32 i32 i64 f32 i32 i32 ret) / ... -> ret
;;   shape                                         (i32 i64 i32 ret) / (i32 i64 i32) -> ret
;;   tuple<u32,string>, option<string>,
;;   result<u32,string>                            (i32 i32 i32 ret) / (i32 i32 i32) -> ret
;;   checked-divide                                (f64 f64 ret) / (f64 f64) -> ret
;;   fail                                          () -> ()
;; The return area is a fixed 32-byte, 8-aligned block at address 64 (mixed, the
;; largest result, is 32 bytes); calls are never re-entrant, so one block suffices.
;;
;; The memory and realloc live in a separate "libc" core module that is instantiated
;; first, so the `canon lower`s of the imports can name them before the forwarding
;; module (which imports the lowered functions) is instantiated.
(component
  (type $values-type (instance
    (type $point-def (record (field "x" s32) (field "y" s32)))
    (export "point" (type $point (eq $point-def)))
    (type $mixed-def (record
      (field "a" bool) (field "b" u8) (field "c" s16) (field "d" u64) (field "e" f32) (field "f" string)))
    (export "mixed" (type $mixed (eq $mixed-def)))
    (type $shape-def (variant (case "circle" f64) (case "rect" $point) (case "none")))
    (export "shape" (type $shape (eq $shape-def)))
    (type $color-def (enum "red" "green" "blue-ish"))
    (export "color" (type $color (eq $color-def)))
    (type $perms-def (flags "read" "write" "exec"))
    (export "perms" (type $perms (eq $perms-def)))

    (export "echo-bool" (func (param "x" bool) (result bool)))
    (export "echo-s8" (func (param "x" s8) (result s8)))
    (export "echo-u8" (func (param "x" u8) (result u8)))
    (export "echo-s16" (func (param "x" s16) (result s16)))
    (export "echo-u16" (func (param "x" u16) (result u16)))
    (export "echo-s32" (func (param "x" s32) (result s32)))
    (export "echo-u32" (func (param "x" u32) (result u32)))
    (export "echo-s64" (func (param "x" s64) (result s64)))
    (export "echo-u64" (func (param "x" u64) (result u64)))
    (export "echo-f32" (func (param "x" f32) (result f32)))
    (export "echo-f64" (func (param "x" f64) (result f64)))
    (export "echo-char" (func (param "x" char) (result char)))
    (export "echo-string" (func (param "x" string) (result string)))
    (export "echo-bytes" (func (param "x" (list u8)) (result (list u8))))
    (export "echo-point" (func (param "p" $point) (result $point)))
    (export "echo-mixed" (func (param "m" $mixed) (result $mixed)))
    (export "echo-shape" (func (param "s" $shape) (result $shape)))
    (export "echo-color" (func (param "c" $color) (result $color)))
    (export "echo-perms" (func (param "p" $perms) (result $perms)))
    (export "echo-tuple" (func (param "t" (tuple u32 string)) (result (tuple u32 string))))
    (export "echo-option" (func (param "o" (option string)) (result (option string))))
    (export "echo-result"
      (func (param "r" (result u32 (error string))) (result (result u32 (error string)))))
    (export "echo-list-point" (func (param "l" (list $point)) (result (list $point))))
    (export "checked-divide"
      (func (param "a" f64) (param "b" f64) (result (result f64 (error string)))))
    (export "fail" (func))
  ))
  (import "demo:host/values@0.1.0" (instance $values (type $values-type)))

  (alias export $values "point" (type $point))
  (alias export $values "mixed" (type $mixed))
  (alias export $values "shape" (type $shape))
  (alias export $values "color" (type $color))
  (alias export $values "perms" (type $perms))

  (alias export $values "echo-bool" (func $echo-bool))
  (alias export $values "echo-s8" (func $echo-s8))
  (alias export $values "echo-u8" (func $echo-u8))
  (alias export $values "echo-s16" (func $echo-s16))
  (alias export $values "echo-u16" (func $echo-u16))
  (alias export $values "echo-s32" (func $echo-s32))
  (alias export $values "echo-u32" (func $echo-u32))
  (alias export $values "echo-s64" (func $echo-s64))
  (alias export $values "echo-u64" (func $echo-u64))
  (alias export $values "echo-f32" (func $echo-f32))
  (alias export $values "echo-f64" (func $echo-f64))
  (alias export $values "echo-char" (func $echo-char))
  (alias export $values "echo-string" (func $echo-string))
  (alias export $values "echo-bytes" (func $echo-bytes))
  (alias export $values "echo-point" (func $echo-point))
  (alias export $values "echo-mixed" (func $echo-mixed))
  (alias export $values "echo-shape" (func $echo-shape))
  (alias export $values "echo-color" (func $echo-color))
  (alias export $values "echo-perms" (func $echo-perms))
  (alias export $values "echo-tuple" (func $echo-tuple))
  (alias export $values "echo-option" (func $echo-option))
  (alias export $values "echo-result" (func $echo-result))
  (alias export $values "echo-list-point" (func $echo-list-point))
  (alias export $values "checked-divide" (func $checked-divide))
  (alias export $values "fail" (func $fail))

  (core module $libc
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
  )
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))

  ;; ---- lowered imports ----
  (core func $echo-bool-lowered (canon lower (func $echo-bool)))
  (core func $echo-s8-lowered (canon lower (func $echo-s8)))
  (core func $echo-u8-lowered (canon lower (func $echo-u8)))
  (core func $echo-s16-lowered (canon lower (func $echo-s16)))
  (core func $echo-u16-lowered (canon lower (func $echo-u16)))
  (core func $echo-s32-lowered (canon lower (func $echo-s32)))
  (core func $echo-u32-lowered (canon lower (func $echo-u32)))
  (core func $echo-s64-lowered (canon lower (func $echo-s64)))
  (core func $echo-u64-lowered (canon lower (func $echo-u64)))
  (core func $echo-f32-lowered (canon lower (func $echo-f32)))
  (core func $echo-f64-lowered (canon lower (func $echo-f64)))
  (core func $echo-char-lowered (canon lower (func $echo-char)))
  (core func $echo-string-lowered
    (canon lower (func $echo-string) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-bytes-lowered
    (canon lower (func $echo-bytes) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-point-lowered
    (canon lower (func $echo-point) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-mixed-lowered
    (canon lower (func $echo-mixed) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-shape-lowered
    (canon lower (func $echo-shape) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-color-lowered (canon lower (func $echo-color)))
  (core func $echo-perms-lowered (canon lower (func $echo-perms)))
  (core func $echo-tuple-lowered
    (canon lower (func $echo-tuple) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-option-lowered
    (canon lower (func $echo-option) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-result-lowered
    (canon lower (func $echo-result) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $echo-list-point-lowered
    (canon lower (func $echo-list-point) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $checked-divide-lowered
    (canon lower (func $checked-divide) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $fail-lowered (canon lower (func $fail)))

  ;; ---- forwarding module ----
  (core module $main
    (import "libc" "memory" (memory 1))
    (import "host" "echo-bool" (func $echo-bool (param i32) (result i32)))
    (import "host" "echo-s8" (func $echo-s8 (param i32) (result i32)))
    (import "host" "echo-u8" (func $echo-u8 (param i32) (result i32)))
    (import "host" "echo-s16" (func $echo-s16 (param i32) (result i32)))
    (import "host" "echo-u16" (func $echo-u16 (param i32) (result i32)))
    (import "host" "echo-s32" (func $echo-s32 (param i32) (result i32)))
    (import "host" "echo-u32" (func $echo-u32 (param i32) (result i32)))
    (import "host" "echo-s64" (func $echo-s64 (param i64) (result i64)))
    (import "host" "echo-u64" (func $echo-u64 (param i64) (result i64)))
    (import "host" "echo-f32" (func $echo-f32 (param f32) (result f32)))
    (import "host" "echo-f64" (func $echo-f64 (param f64) (result f64)))
    (import "host" "echo-char" (func $echo-char (param i32) (result i32)))
    (import "host" "echo-string" (func $echo-string (param i32 i32 i32)))
    (import "host" "echo-bytes" (func $echo-bytes (param i32 i32 i32)))
    (import "host" "echo-point" (func $echo-point (param i32 i32 i32)))
    (import "host" "echo-mixed" (func $echo-mixed (param i32 i32 i32 i64 f32 i32 i32 i32)))
    (import "host" "echo-shape" (func $echo-shape (param i32 i64 i32 i32)))
    (import "host" "echo-color" (func $echo-color (param i32) (result i32)))
    (import "host" "echo-perms" (func $echo-perms (param i32) (result i32)))
    (import "host" "echo-tuple" (func $echo-tuple (param i32 i32 i32 i32)))
    (import "host" "echo-option" (func $echo-option (param i32 i32 i32 i32)))
    (import "host" "echo-result" (func $echo-result (param i32 i32 i32 i32)))
    (import "host" "echo-list-point" (func $echo-list-point (param i32 i32 i32)))
    (import "host" "checked-divide" (func $checked-divide (param f64 f64 i32)))
    (import "host" "fail" (func $fail))

    ;; 32-byte, 8-aligned return area (below the allocator's heap, which starts at 4096).
    (global $ret i32 (i32.const 64))

    ;; One core value each way: pass it on, return what came back.
    (func (export "call-bool") (param i32) (result i32) (call $echo-bool (local.get 0)))
    (func (export "call-s8") (param i32) (result i32) (call $echo-s8 (local.get 0)))
    (func (export "call-u8") (param i32) (result i32) (call $echo-u8 (local.get 0)))
    (func (export "call-s16") (param i32) (result i32) (call $echo-s16 (local.get 0)))
    (func (export "call-u16") (param i32) (result i32) (call $echo-u16 (local.get 0)))
    (func (export "call-s32") (param i32) (result i32) (call $echo-s32 (local.get 0)))
    (func (export "call-u32") (param i32) (result i32) (call $echo-u32 (local.get 0)))
    (func (export "call-s64") (param i64) (result i64) (call $echo-s64 (local.get 0)))
    (func (export "call-u64") (param i64) (result i64) (call $echo-u64 (local.get 0)))
    (func (export "call-f32") (param f32) (result f32) (call $echo-f32 (local.get 0)))
    (func (export "call-f64") (param f64) (result f64) (call $echo-f64 (local.get 0)))
    (func (export "call-char") (param i32) (result i32) (call $echo-char (local.get 0)))
    (func (export "call-color") (param i32) (result i32) (call $echo-color (local.get 0)))
    (func (export "call-perms") (param i32) (result i32) (call $echo-perms (local.get 0)))

    ;; Results in memory: the import writes into the return area, the export returns it.
    (func (export "call-string") (param i32 i32) (result i32)
      (call $echo-string (local.get 0) (local.get 1) (global.get $ret))
      (global.get $ret))
    (func (export "call-bytes") (param i32 i32) (result i32)
      (call $echo-bytes (local.get 0) (local.get 1) (global.get $ret))
      (global.get $ret))
    (func (export "call-point") (param i32 i32) (result i32)
      (call $echo-point (local.get 0) (local.get 1) (global.get $ret))
      (global.get $ret))
    (func (export "call-mixed") (param i32 i32 i32 i64 f32 i32 i32) (result i32)
      (call $echo-mixed
        (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6)
        (global.get $ret))
      (global.get $ret))
    (func (export "call-shape") (param i32 i64 i32) (result i32)
      (call $echo-shape (local.get 0) (local.get 1) (local.get 2) (global.get $ret))
      (global.get $ret))
    (func (export "call-tuple") (param i32 i32 i32) (result i32)
      (call $echo-tuple (local.get 0) (local.get 1) (local.get 2) (global.get $ret))
      (global.get $ret))
    (func (export "call-option") (param i32 i32 i32) (result i32)
      (call $echo-option (local.get 0) (local.get 1) (local.get 2) (global.get $ret))
      (global.get $ret))
    (func (export "call-result") (param i32 i32 i32) (result i32)
      (call $echo-result (local.get 0) (local.get 1) (local.get 2) (global.get $ret))
      (global.get $ret))
    (func (export "call-list-point") (param i32 i32) (result i32)
      (call $echo-list-point (local.get 0) (local.get 1) (global.get $ret))
      (global.get $ret))
    (func (export "call-checked-divide") (param f64 f64) (result i32)
      (call $checked-divide (local.get 0) (local.get 1) (global.get $ret))
      (global.get $ret))

    (func (export "call-fail") (call $fail))
  )
  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "host" (instance
      (export "echo-bool" (func $echo-bool-lowered))
      (export "echo-s8" (func $echo-s8-lowered))
      (export "echo-u8" (func $echo-u8-lowered))
      (export "echo-s16" (func $echo-s16-lowered))
      (export "echo-u16" (func $echo-u16-lowered))
      (export "echo-s32" (func $echo-s32-lowered))
      (export "echo-u32" (func $echo-u32-lowered))
      (export "echo-s64" (func $echo-s64-lowered))
      (export "echo-u64" (func $echo-u64-lowered))
      (export "echo-f32" (func $echo-f32-lowered))
      (export "echo-f64" (func $echo-f64-lowered))
      (export "echo-char" (func $echo-char-lowered))
      (export "echo-string" (func $echo-string-lowered))
      (export "echo-bytes" (func $echo-bytes-lowered))
      (export "echo-point" (func $echo-point-lowered))
      (export "echo-mixed" (func $echo-mixed-lowered))
      (export "echo-shape" (func $echo-shape-lowered))
      (export "echo-color" (func $echo-color-lowered))
      (export "echo-perms" (func $echo-perms-lowered))
      (export "echo-tuple" (func $echo-tuple-lowered))
      (export "echo-option" (func $echo-option-lowered))
      (export "echo-result" (func $echo-result-lowered))
      (export "echo-list-point" (func $echo-list-point-lowered))
      (export "checked-divide" (func $checked-divide-lowered))
      (export "fail" (func $fail-lowered))))))

  ;; ---- lifted exports (same signatures as the imports, using the imported named types) ----
  (func $call-bool (param "x" bool) (result bool) (canon lift (core func $main "call-bool")))
  (func $call-s8 (param "x" s8) (result s8) (canon lift (core func $main "call-s8")))
  (func $call-u8 (param "x" u8) (result u8) (canon lift (core func $main "call-u8")))
  (func $call-s16 (param "x" s16) (result s16) (canon lift (core func $main "call-s16")))
  (func $call-u16 (param "x" u16) (result u16) (canon lift (core func $main "call-u16")))
  (func $call-s32 (param "x" s32) (result s32) (canon lift (core func $main "call-s32")))
  (func $call-u32 (param "x" u32) (result u32) (canon lift (core func $main "call-u32")))
  (func $call-s64 (param "x" s64) (result s64) (canon lift (core func $main "call-s64")))
  (func $call-u64 (param "x" u64) (result u64) (canon lift (core func $main "call-u64")))
  (func $call-f32 (param "x" f32) (result f32) (canon lift (core func $main "call-f32")))
  (func $call-f64 (param "x" f64) (result f64) (canon lift (core func $main "call-f64")))
  (func $call-char (param "x" char) (result char) (canon lift (core func $main "call-char")))
  (func $call-string (param "x" string) (result string)
    (canon lift (core func $main "call-string") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-bytes (param "x" (list u8)) (result (list u8))
    (canon lift (core func $main "call-bytes") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-point (param "p" $point) (result $point)
    (canon lift (core func $main "call-point") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-mixed (param "m" $mixed) (result $mixed)
    (canon lift (core func $main "call-mixed") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-shape (param "s" $shape) (result $shape)
    (canon lift (core func $main "call-shape") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-color (param "c" $color) (result $color) (canon lift (core func $main "call-color")))
  (func $call-perms (param "p" $perms) (result $perms) (canon lift (core func $main "call-perms")))
  (func $call-tuple (param "t" (tuple u32 string)) (result (tuple u32 string))
    (canon lift (core func $main "call-tuple") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-option (param "o" (option string)) (result (option string))
    (canon lift (core func $main "call-option") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-result (param "r" (result u32 (error string))) (result (result u32 (error string)))
    (canon lift (core func $main "call-result") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-list-point (param "l" (list $point)) (result (list $point))
    (canon lift (core func $main "call-list-point") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-checked-divide (param "a" f64) (param "b" f64) (result (result f64 (error string)))
    (canon lift (core func $main "call-checked-divide") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $call-fail (canon lift (core func $main "call-fail")))

  (export "call-bool" (func $call-bool))
  (export "call-s8" (func $call-s8))
  (export "call-u8" (func $call-u8))
  (export "call-s16" (func $call-s16))
  (export "call-u16" (func $call-u16))
  (export "call-s32" (func $call-s32))
  (export "call-u32" (func $call-u32))
  (export "call-s64" (func $call-s64))
  (export "call-u64" (func $call-u64))
  (export "call-f32" (func $call-f32))
  (export "call-f64" (func $call-f64))
  (export "call-char" (func $call-char))
  (export "call-string" (func $call-string))
  (export "call-bytes" (func $call-bytes))
  (export "call-point" (func $call-point))
  (export "call-mixed" (func $call-mixed))
  (export "call-shape" (func $call-shape))
  (export "call-color" (func $call-color))
  (export "call-perms" (func $call-perms))
  (export "call-tuple" (func $call-tuple))
  (export "call-option" (func $call-option))
  (export "call-result" (func $call-result))
  (export "call-list-point" (func $call-list-point))
  (export "call-checked-divide" (func $call-checked-divide))
  (export "call-fail" (func $call-fail))
)
