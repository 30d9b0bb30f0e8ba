;; alltypes.wat -- WIT model fixture: an import-only component (nothing to run; read its world).
;;
;; Imports `demo:all/types@1.2.3`, an interface with a named type of each kind and functions over every primitive,
;; the named types, the four shapes of `result` and anonymous nested types. `jco wit` prints the world as
;;
;;   world root {
;;     import demo:all/types@1.2.3;
;;   }
;;
;; and the interface, in WIT:
;;
;;   record point { x: s32, y: s32 }
;;   variant shape { circle(f64), rect(point), none }
;;   enum color { red, green, blue-ish }
;;   flags perms { read, write, exec }
;;   type bytes = list<u8>;
;;   type pair = tuple<u32, string>;
;;   type maybe = option<point>;
;;   type outcome = result<u32, string>;
;;   f: func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: s64, i: u64, j: f32, k: f64, l: char, m: string);
;;   g: func(p: point, s: shape, c: color, q: perms) -> point;
;;   h: func(b: bytes, t: pair, m: maybe) -> outcome;
;;   results: func(a: result, b: result<u8>, c: result<_, u8>, d: result<u8, string>);
;;   anon: func(l: list<list<string>>, o: option<option<u32>>) -> tuple<s64, list<color>>;
(component
  (type $types-type (instance
    (type $point-def (record (field "x" s32) (field "y" s32)))
    (export "point" (type $point (eq $point-def)))
    (type $shape-def (variant (case "circle" f64) (case "rect" $point) (case "none")))
    (export "shape" (type $shape (eq $shape-def)))
    (type $color-def (enum "red" "green" "blue-ish"))
    (export "color" (type $color (eq $color-def)))
    (type $perms-def (flags "read" "write" "exec"))
    (export "perms" (type $perms (eq $perms-def)))
    (type $bytes-def (list u8))
    (export "bytes" (type $bytes (eq $bytes-def)))
    (type $pair-def (tuple u32 string))
    (export "pair" (type $pair (eq $pair-def)))
    (type $maybe-def (option $point))
    (export "maybe" (type $maybe (eq $maybe-def)))
    (type $outcome-def (result u32 (error string)))
    (export "outcome" (type $outcome (eq $outcome-def)))
    (export "f" (func (param "a" bool) (param "b" s8) (param "c" u8) (param "d" s16) (param "e" u16) (param "f" s32) (param "g" u32) (param "h" s64) (param "i" u64) (param "j" f32) (param "k" f64) (param "l" char) (param "m" string)))
    (export "g" (func (param "p" $point) (param "s" $shape) (param "c" $color) (param "q" $perms) (result $point)))
    (export "h" (func (param "b" $bytes) (param "t" $pair) (param "m" $maybe) (result $outcome)))
    (export "results" (func (param "a" (result)) (param "b" (result u8)) (param "c" (result (error u8))) (param "d" (result u8 (error string)))))
    (export "anon" (func (param "l" (list (list string))) (param "o" (option (option u32))) (result (tuple s64 (list $color))))) 
  ))
  (import "demo:all/types@1.2.3" (instance (type $types-type)))
)
