;; compound.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Exports one interface instance, `demo:types/shapes@0.1.0`, equivalent to this WIT:
;;
;;   package demo:types@0.1.0;
;;
;;   interface shapes {
;;     record point { x: s32, y: s32 }
;;     record mixed { a: bool, b: u8, c: s16, d: u64, e: f32, f: string }
;;     variant shape { circle(f64), rect(point), none }
;;     enum color { red, green, blue-ish }
;;     flags perms1 { read }
;;     flags perms8 { read, write, exec, delete, list, admin, share, audit }
;;     flags perms16 { f0, f1, ..., f15 }
;;     flags perms32 { f0, f1, ..., f31 }
;;     record drawing { name: string, shapes: list<shape>, tint: option<color> }
;;     record big {
;;       a: u8, b: u16, c: u32, d: u64, e: s8, f: s16, g: s32, h: s64,
;;       i: f32, j: f64, k: char, l: bool, m: string, n: point, o: color,
;;     }
;;
;;     roundtrip-point: func(p: point) -> point;
;;     make-point: func(x: s32, y: s32) -> point;
;;     roundtrip-mixed: func(m: mixed) -> mixed;
;;     roundtrip-shape: func(s: shape) -> shape;
;;     roundtrip-color: func(c: color) -> color;
;;     roundtrip-perms1: func(p: perms1) -> perms1;
;;     roundtrip-perms8: func(p: perms8) -> perms8;
;;     roundtrip-perms16: func(p: perms16) -> perms16;
;;     roundtrip-perms32: func(p: perms32) -> perms32;
;;     roundtrip-tuple: func(x: tuple<u32, string, f64>) -> tuple<u32, string, f64>;
;;     roundtrip-option: func(x: option<string>) -> option<string>;
;;     roundtrip-result: func(x: result<u32, string>) -> result<u32, string>;
;;     roundtrip-result-unit: func(x: result) -> result;
;;     roundtrip-nested-options: func(x: option<option<u32>>) -> option<option<u32>>;
;;     roundtrip-list-point: func(x: list<point>) -> list<point>;
;;     roundtrip-list-shape: func(x: list<shape>) -> list<shape>;
;;     roundtrip-list-option-point: func(x: list<option<point>>) -> list<option<point>>;
;;     roundtrip-result-list: func(x: result<list<string>, color>) -> result<list<string>, color>;
;;     roundtrip-list-list-string: func(x: list<list<string>>) -> list<list<string>>;
;;     roundtrip-drawing: func(d: drawing) -> drawing;
;;     roundtrip-big: func(b: big) -> big;
;;     area: func(s: shape) -> f64;
;;     divide: func(a: f64, b: f64) -> result<f64, string>;
;;   }
;;
;; area: circle(r) = pi * (r * r) with pi = 3.141592653589793; rect(p) = f64(p.x) * f64(p.y);
;; none = 0.0.  divide: err("division by zero") when b == 0.0 (either sign), else ok(a / b).
;;
;; `flags` with more than 32 members is rejected by Wasmtime 50's validator
;; ("cannot have more than 32 flags"), so there is no perms40 here.
;;
;; Layout is the wit-component one: the functions are lifted at the root, then a
;; nested "shim" component imports every named type (with an `eq` bound) and every
;; function, and re-exports them under their WIT names with the exported type indices,
;; so the named types survive in the exported instance's type.
;;
;; Canonical ABI notes (memory layout, offsets in bytes):
;;   point                      size 8  align 4: x@0 y@4
;;   mixed                      size 32 align 8: a@0 b@1 c@2 d@8 e@16 f@20(ptr,len)
;;   shape                      size 16 align 8: disc(u8)@0, circle f64@8 | rect x@8 y@12
;;   tuple<u32,string,f64>      size 24 align 8: u32@0 ptr@4 len@8 f64@16
;;   option<string>             size 12 align 4: disc@0 ptr@4 len@8
;;   result<u32,string>         size 12 align 4: disc@0 ok u32@4 | err ptr@4 len@8
;;   option<option<u32>>        size 12 align 4: disc@0 inner-disc@4 u32@8
;;   result<list<string>,color> size 12 align 4: disc@0 ok ptr@4 len@8 | err u8@4
;;   drawing                    size 20 align 4: name@0 shapes@8 tint-disc@16 tint-color@17
;;   result<f64,string>         size 16 align 8: disc@0 ok f64@8 | err ptr@8 len@12
;; Flattened shape params are (i32 disc, i64 join(f64,i32), i32). `big` flattens to 17
;; core values (> 16), so it arrives as a pointer to its memory image, which is also a
;; valid result pointer.
(component
  (core module $impl
    (memory (export "memory") 1)
    ;; 32-byte return area at a fixed, 8-aligned address; static data at 1024; heap above.
    (global $ret i32 (i32.const 64))
    (data (i32.const 1024) "division by zero")
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

    ;; Any single-core-value type: enum, flags (<= 32), result with no payloads, and a
    ;; pointer to a by-memory argument (big) which doubles as the result pointer.
    (func (export "id-i32") (param i32) (result i32) (local.get 0))

    ;; point, and every list<T> (ptr, len): two i32 at offsets 0 and 4.
    (func (export "store-i32x2") (param $a i32) (param $b i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $a))
      (i32.store offset=4 (global.get $ret) (local.get $b))
      (global.get $ret))

    ;; option<string>, result<u32, string>, option<option<u32>>,
    ;; result<list<string>, color>: a u8 discriminant at 0, then two i32-sized slots at
    ;; 4 and 8. Writing a whole i32 at 4 is right for a u8 payload there too (the other
    ;; three bytes are padding), and unused slots are padding as well.
    (func (export "store-disc-i32x2") (param $disc i32) (param $a i32) (param $b i32) (result i32)
      (i32.store8 offset=0 (global.get $ret) (local.get $disc))
      (i32.store offset=4 (global.get $ret) (local.get $a))
      (i32.store offset=8 (global.get $ret) (local.get $b))
      (global.get $ret))

    (func (export "roundtrip-mixed")
      (param $a i32) (param $b i32) (param $c i32) (param $d i64) (param $e f32)
      (param $f-ptr i32) (param $f-len i32) (result i32)
      (i32.store8 offset=0 (global.get $ret) (local.get $a))
      (i32.store8 offset=1 (global.get $ret) (local.get $b))
      (i32.store16 offset=2 (global.get $ret) (local.get $c))
      (i64.store offset=8 (global.get $ret) (local.get $d))
      (f32.store offset=16 (global.get $ret) (local.get $e))
      (i32.store offset=20 (global.get $ret) (local.get $f-ptr))
      (i32.store offset=24 (global.get $ret) (local.get $f-len))
      (global.get $ret))

    ;; shape flattens to (disc, i64, i32): circle's f64 travels bit-cast in the i64,
    ;; rect's x zero-extended in the i64 and y in the i32.
    (func (export "roundtrip-shape") (param $disc i32) (param $p0 i64) (param $p1 i32) (result i32)
      (i32.store8 offset=0 (global.get $ret) (local.get $disc))
      (block $done
        (block $rect
          (block $circle
            (br_table $circle $rect $done (local.get $disc)))
          (f64.store offset=8 (global.get $ret) (f64.reinterpret_i64 (local.get $p0)))
          (br $done))
        (i32.store offset=8 (global.get $ret) (i32.wrap_i64 (local.get $p0)))
        (i32.store offset=12 (global.get $ret) (local.get $p1)))
      (global.get $ret))

    (func (export "area") (param $disc i32) (param $p0 i64) (param $p1 i32) (result f64)
      (local $r f64)
      (if (i32.eqz (local.get $disc))
        (then
          (local.set $r (f64.reinterpret_i64 (local.get $p0)))
          (return (f64.mul (f64.const 3.141592653589793) (f64.mul (local.get $r) (local.get $r))))))
      (if (i32.eq (local.get $disc) (i32.const 1))
        (then
          (return
            (f64.mul
              (f64.convert_i32_s (i32.wrap_i64 (local.get $p0)))
              (f64.convert_i32_s (local.get $p1))))))
      (f64.const 0))

    (func (export "roundtrip-tuple")
      (param $a i32) (param $s-ptr i32) (param $s-len i32) (param $c f64) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $a))
      (i32.store offset=4 (global.get $ret) (local.get $s-ptr))
      (i32.store offset=8 (global.get $ret) (local.get $s-len))
      (f64.store offset=16 (global.get $ret) (local.get $c))
      (global.get $ret))

    (func (export "roundtrip-drawing")
      (param $name-ptr i32) (param $name-len i32) (param $shapes-ptr i32) (param $shapes-len i32)
      (param $tint-disc i32) (param $tint i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $name-ptr))
      (i32.store offset=4 (global.get $ret) (local.get $name-len))
      (i32.store offset=8 (global.get $ret) (local.get $shapes-ptr))
      (i32.store offset=12 (global.get $ret) (local.get $shapes-len))
      (i32.store8 offset=16 (global.get $ret) (local.get $tint-disc))
      (i32.store8 offset=17 (global.get $ret) (local.get $tint))
      (global.get $ret))

    (func (export "divide") (param $a f64) (param $b f64) (result i32)
      (if (f64.eq (local.get $b) (f64.const 0))
        (then
          (i32.store8 offset=0 (global.get $ret) (i32.const 1))
          (i32.store offset=8 (global.get $ret) (i32.const 1024))
          (i32.store offset=12 (global.get $ret) (i32.const 16)))
        (else
          (i32.store8 offset=0 (global.get $ret) (i32.const 0))
          (f64.store offset=8 (global.get $ret) (f64.div (local.get $a) (local.get $b)))))
      (global.get $ret))
  )
  (core instance $i (instantiate $impl))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))

  ;; ---- type definitions (structural, used for lifting) ----
  (type $point (record (field "x" s32) (field "y" s32)))
  (type $mixed (record (field "a" bool) (field "b" u8) (field "c" s16) (field "d" u64) (field "e" f32) (field "f" string)))
  (type $shape (variant (case "circle" f64) (case "rect" $point) (case "none")))
  (type $color (enum "red" "green" "blue-ish"))
  (type $perms1 (flags "read"))
  (type $perms8 (flags "read" "write" "exec" "delete" "list" "admin" "share" "audit"))
  (type $perms16 (flags "f0" "f1" "f2" "f3" "f4" "f5" "f6" "f7" "f8" "f9" "f10" "f11" "f12" "f13" "f14" "f15"))
  (type $perms32 (flags
    "f0" "f1" "f2" "f3" "f4" "f5" "f6" "f7" "f8" "f9" "f10" "f11" "f12" "f13" "f14" "f15"
    "f16" "f17" "f18" "f19" "f20" "f21" "f22" "f23" "f24" "f25" "f26" "f27" "f28" "f29" "f30" "f31"))
  (type $drawing (record (field "name" string) (field "shapes" (list $shape)) (field "tint" (option $color))))
  (type $big (record
    (field "a" u8) (field "b" u16) (field "c" u32) (field "d" u64)
    (field "e" s8) (field "f" s16) (field "g" s32) (field "h" s64)
    (field "i" f32) (field "j" f64) (field "k" char) (field "l" bool)
    (field "m" string) (field "n" $point) (field "o" $color)))

  ;; ---- lifted functions ----
  (func $roundtrip-point (param "p" $point) (result $point)
    (canon lift (core func $i "store-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $make-point (param "x" s32) (param "y" s32) (result $point)
    (canon lift (core func $i "store-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-mixed (param "m" $mixed) (result $mixed)
    (canon lift (core func $i "roundtrip-mixed") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-shape (param "s" $shape) (result $shape)
    (canon lift (core func $i "roundtrip-shape") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-color (param "c" $color) (result $color)
    (canon lift (core func $i "id-i32")))
  (func $roundtrip-perms1 (param "p" $perms1) (result $perms1)
    (canon lift (core func $i "id-i32")))
  (func $roundtrip-perms8 (param "p" $perms8) (result $perms8)
    (canon lift (core func $i "id-i32")))
  (func $roundtrip-perms16 (param "p" $perms16) (result $perms16)
    (canon lift (core func $i "id-i32")))
  (func $roundtrip-perms32 (param "p" $perms32) (result $perms32)
    (canon lift (core func $i "id-i32")))
  (func $roundtrip-tuple (param "x" (tuple u32 string f64)) (result (tuple u32 string f64))
    (canon lift (core func $i "roundtrip-tuple") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-option (param "x" (option string)) (result (option string))
    (canon lift (core func $i "store-disc-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-result (param "x" (result u32 (error string))) (result (result u32 (error string)))
    (canon lift (core func $i "store-disc-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-result-unit (param "x" (result)) (result (result))
    (canon lift (core func $i "id-i32")))
  (func $roundtrip-nested-options (param "x" (option (option u32))) (result (option (option u32)))
    (canon lift (core func $i "store-disc-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-list-point (param "x" (list $point)) (result (list $point))
    (canon lift (core func $i "store-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-list-shape (param "x" (list $shape)) (result (list $shape))
    (canon lift (core func $i "store-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-list-option-point (param "x" (list (option $point))) (result (list (option $point)))
    (canon lift (core func $i "store-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-result-list (param "x" (result (list string) (error $color))) (result (result (list string) (error $color)))
    (canon lift (core func $i "store-disc-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-list-list-string (param "x" (list (list string))) (result (list (list string)))
    (canon lift (core func $i "store-i32x2") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-drawing (param "d" $drawing) (result $drawing)
    (canon lift (core func $i "roundtrip-drawing") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-big (param "b" $big) (result $big)
    (canon lift (core func $i "id-i32") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $area (param "s" $shape) (result f64)
    (canon lift (core func $i "area") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $divide (param "a" f64) (param "b" f64) (result (result f64 (error string)))
    (canon lift (core func $i "divide") (memory $mem) (realloc $realloc) string-encoding=utf8))

  ;; ---- the interface shim: imports named types + functions, exports them by WIT name ----
  (component $shapes-shim
    (type $point-def (record (field "x" s32) (field "y" s32)))
    (import "import-type-point" (type $point (eq $point-def)))
    (type $mixed-def (record (field "a" bool) (field "b" u8) (field "c" s16) (field "d" u64) (field "e" f32) (field "f" string)))
    (import "import-type-mixed" (type $mixed (eq $mixed-def)))
    (type $shape-def (variant (case "circle" f64) (case "rect" $point) (case "none")))
    (import "import-type-shape" (type $shape (eq $shape-def)))
    (type $color-def (enum "red" "green" "blue-ish"))
    (import "import-type-color" (type $color (eq $color-def)))
    (type $perms1-def (flags "read"))
    (import "import-type-perms1" (type $perms1 (eq $perms1-def)))
    (type $perms8-def (flags "read" "write" "exec" "delete" "list" "admin" "share" "audit"))
    (import "import-type-perms8" (type $perms8 (eq $perms8-def)))
    (type $perms16-def (flags "f0" "f1" "f2" "f3" "f4" "f5" "f6" "f7" "f8" "f9" "f10" "f11" "f12" "f13" "f14" "f15"))
    (import "import-type-perms16" (type $perms16 (eq $perms16-def)))
    (type $perms32-def (flags
      "f0" "f1" "f2" "f3" "f4" "f5" "f6" "f7" "f8" "f9" "f10" "f11" "f12" "f13" "f14" "f15"
      "f16" "f17" "f18" "f19" "f20" "f21" "f22" "f23" "f24" "f25" "f26" "f27" "f28" "f29" "f30" "f31"))
    (import "import-type-perms32" (type $perms32 (eq $perms32-def)))
    (type $drawing-def (record (field "name" string) (field "shapes" (list $shape)) (field "tint" (option $color))))
    (import "import-type-drawing" (type $drawing (eq $drawing-def)))
    (type $big-def (record
      (field "a" u8) (field "b" u16) (field "c" u32) (field "d" u64)
      (field "e" s8) (field "f" s16) (field "g" s32) (field "h" s64)
      (field "i" f32) (field "j" f64) (field "k" char) (field "l" bool)
      (field "m" string) (field "n" $point) (field "o" $color)))
    (import "import-type-big" (type $big (eq $big-def)))

    (import "import-func-roundtrip-point" (func $roundtrip-point (param "p" $point) (result $point)))
    (import "import-func-make-point" (func $make-point (param "x" s32) (param "y" s32) (result $point)))
    (import "import-func-roundtrip-mixed" (func $roundtrip-mixed (param "m" $mixed) (result $mixed)))
    (import "import-func-roundtrip-shape" (func $roundtrip-shape (param "s" $shape) (result $shape)))
    (import "import-func-roundtrip-color" (func $roundtrip-color (param "c" $color) (result $color)))
    (import "import-func-roundtrip-perms1" (func $roundtrip-perms1 (param "p" $perms1) (result $perms1)))
    (import "import-func-roundtrip-perms8" (func $roundtrip-perms8 (param "p" $perms8) (result $perms8)))
    (import "import-func-roundtrip-perms16" (func $roundtrip-perms16 (param "p" $perms16) (result $perms16)))
    (import "import-func-roundtrip-perms32" (func $roundtrip-perms32 (param "p" $perms32) (result $perms32)))
    (import "import-func-roundtrip-tuple"
      (func $roundtrip-tuple (param "x" (tuple u32 string f64)) (result (tuple u32 string f64))))
    (import "import-func-roundtrip-option"
      (func $roundtrip-option (param "x" (option string)) (result (option string))))
    (import "import-func-roundtrip-result"
      (func $roundtrip-result (param "x" (result u32 (error string))) (result (result u32 (error string)))))
    (import "import-func-roundtrip-result-unit"
      (func $roundtrip-result-unit (param "x" (result)) (result (result))))
    (import "import-func-roundtrip-nested-options"
      (func $roundtrip-nested-options (param "x" (option (option u32))) (result (option (option u32)))))
    (import "import-func-roundtrip-list-point"
      (func $roundtrip-list-point (param "x" (list $point)) (result (list $point))))
    (import "import-func-roundtrip-list-shape"
      (func $roundtrip-list-shape (param "x" (list $shape)) (result (list $shape))))
    (import "import-func-roundtrip-list-option-point"
      (func $roundtrip-list-option-point (param "x" (list (option $point))) (result (list (option $point)))))
    (import "import-func-roundtrip-result-list"
      (func $roundtrip-result-list (param "x" (result (list string) (error $color))) (result (result (list string) (error $color)))))
    (import "import-func-roundtrip-list-list-string"
      (func $roundtrip-list-list-string (param "x" (list (list string))) (result (list (list string)))))
    (import "import-func-roundtrip-drawing" (func $roundtrip-drawing (param "d" $drawing) (result $drawing)))
    (import "import-func-roundtrip-big" (func $roundtrip-big (param "b" $big) (result $big)))
    (import "import-func-area" (func $area (param "s" $shape) (result f64)))
    (import "import-func-divide" (func $divide (param "a" f64) (param "b" f64) (result (result f64 (error string)))))

    ;; Exported types; structured ones are re-declared in terms of the exported names.
    (export $e-point "point" (type $point))
    (export $e-mixed "mixed" (type $mixed))
    (type $e-shape-def (variant (case "circle" f64) (case "rect" $e-point) (case "none")))
    (export $e-shape "shape" (type $e-shape-def))
    (export $e-color "color" (type $color))
    (export $e-perms1 "perms1" (type $perms1))
    (export $e-perms8 "perms8" (type $perms8))
    (export $e-perms16 "perms16" (type $perms16))
    (export $e-perms32 "perms32" (type $perms32))
    (type $e-drawing-def (record (field "name" string) (field "shapes" (list $e-shape)) (field "tint" (option $e-color))))
    (export $e-drawing "drawing" (type $e-drawing-def))
    (type $e-big-def (record
      (field "a" u8) (field "b" u16) (field "c" u32) (field "d" u64)
      (field "e" s8) (field "f" s16) (field "g" s32) (field "h" s64)
      (field "i" f32) (field "j" f64) (field "k" char) (field "l" bool)
      (field "m" string) (field "n" $e-point) (field "o" $e-color)))
    (export $e-big "big" (type $e-big-def))

    (export "roundtrip-point" (func $roundtrip-point) (func (param "p" $e-point) (result $e-point)))
    (export "make-point" (func $make-point) (func (param "x" s32) (param "y" s32) (result $e-point)))
    (export "roundtrip-mixed" (func $roundtrip-mixed) (func (param "m" $e-mixed) (result $e-mixed)))
    (export "roundtrip-shape" (func $roundtrip-shape) (func (param "s" $e-shape) (result $e-shape)))
    (export "roundtrip-color" (func $roundtrip-color) (func (param "c" $e-color) (result $e-color)))
    (export "roundtrip-perms1" (func $roundtrip-perms1) (func (param "p" $e-perms1) (result $e-perms1)))
    (export "roundtrip-perms8" (func $roundtrip-perms8) (func (param "p" $e-perms8) (result $e-perms8)))
    (export "roundtrip-perms16" (func $roundtrip-perms16) (func (param "p" $e-perms16) (result $e-perms16)))
    (export "roundtrip-perms32" (func $roundtrip-perms32) (func (param "p" $e-perms32) (result $e-perms32)))
    (export "roundtrip-tuple" (func $roundtrip-tuple)
      (func (param "x" (tuple u32 string f64)) (result (tuple u32 string f64))))
    (export "roundtrip-option" (func $roundtrip-option)
      (func (param "x" (option string)) (result (option string))))
    (export "roundtrip-result" (func $roundtrip-result)
      (func (param "x" (result u32 (error string))) (result (result u32 (error string)))))
    (export "roundtrip-result-unit" (func $roundtrip-result-unit)
      (func (param "x" (result)) (result (result))))
    (export "roundtrip-nested-options" (func $roundtrip-nested-options)
      (func (param "x" (option (option u32))) (result (option (option u32)))))
    (export "roundtrip-list-point" (func $roundtrip-list-point)
      (func (param "x" (list $e-point)) (result (list $e-point))))
    (export "roundtrip-list-shape" (func $roundtrip-list-shape)
      (func (param "x" (list $e-shape)) (result (list $e-shape))))
    (export "roundtrip-list-option-point" (func $roundtrip-list-option-point)
      (func (param "x" (list (option $e-point))) (result (list (option $e-point)))))
    (export "roundtrip-result-list" (func $roundtrip-result-list)
      (func (param "x" (result (list string) (error $e-color))) (result (result (list string) (error $e-color)))))
    (export "roundtrip-list-list-string" (func $roundtrip-list-list-string)
      (func (param "x" (list (list string))) (result (list (list string)))))
    (export "roundtrip-drawing" (func $roundtrip-drawing) (func (param "d" $e-drawing) (result $e-drawing)))
    (export "roundtrip-big" (func $roundtrip-big) (func (param "b" $e-big) (result $e-big)))
    (export "area" (func $area) (func (param "s" $e-shape) (result f64)))
    (export "divide" (func $divide) (func (param "a" f64) (param "b" f64) (result (result f64 (error string)))))
  )

  (instance $shapes (instantiate $shapes-shim
    (with "import-type-point" (type $point))
    (with "import-type-mixed" (type $mixed))
    (with "import-type-shape" (type $shape))
    (with "import-type-color" (type $color))
    (with "import-type-perms1" (type $perms1))
    (with "import-type-perms8" (type $perms8))
    (with "import-type-perms16" (type $perms16))
    (with "import-type-perms32" (type $perms32))
    (with "import-type-drawing" (type $drawing))
    (with "import-type-big" (type $big))
    (with "import-func-roundtrip-point" (func $roundtrip-point))
    (with "import-func-make-point" (func $make-point))
    (with "import-func-roundtrip-mixed" (func $roundtrip-mixed))
    (with "import-func-roundtrip-shape" (func $roundtrip-shape))
    (with "import-func-roundtrip-color" (func $roundtrip-color))
    (with "import-func-roundtrip-perms1" (func $roundtrip-perms1))
    (with "import-func-roundtrip-perms8" (func $roundtrip-perms8))
    (with "import-func-roundtrip-perms16" (func $roundtrip-perms16))
    (with "import-func-roundtrip-perms32" (func $roundtrip-perms32))
    (with "import-func-roundtrip-tuple" (func $roundtrip-tuple))
    (with "import-func-roundtrip-option" (func $roundtrip-option))
    (with "import-func-roundtrip-result" (func $roundtrip-result))
    (with "import-func-roundtrip-result-unit" (func $roundtrip-result-unit))
    (with "import-func-roundtrip-nested-options" (func $roundtrip-nested-options))
    (with "import-func-roundtrip-list-point" (func $roundtrip-list-point))
    (with "import-func-roundtrip-list-shape" (func $roundtrip-list-shape))
    (with "import-func-roundtrip-list-option-point" (func $roundtrip-list-option-point))
    (with "import-func-roundtrip-result-list" (func $roundtrip-result-list))
    (with "import-func-roundtrip-list-list-string" (func $roundtrip-list-list-string))
    (with "import-func-roundtrip-drawing" (func $roundtrip-drawing))
    (with "import-func-roundtrip-big" (func $roundtrip-big))
    (with "import-func-area" (func $area))
    (with "import-func-divide" (func $divide))
  ))
  (export "demo:types/shapes@0.1.0" (instance $shapes))
)
