;; calculator.wat -- the QuickStart example component, in component-model WAT.
;;
;; WIT of this component (what `component.ToWit()` prints):
;;   import demo:calc/logger@0.1.0;          // log: func(level: u8, msg: string)
;;   export add: func(a: u32, b: u32) -> u32;
;;   export shout: func(msg: string) -> string;   // logs msg, returns it in ASCII upper case
;;   export demo:calc/geometry@0.1.0;        // record point { x: s32, y: s32 }
;;                                           // manhattan: func(a: point, b: point) -> u32
(component
  (type $logger-type (instance
    (export "log" (func (param "level" u8) (param "msg" string)))))
  (import "demo:calc/logger@0.1.0" (instance $logger (type $logger-type)))
  (alias export $logger "log" (func $log))

  ;; Linear memory and a bump allocator, instantiated first so `canon lower` can name them.
  (core module $libc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
      (local $ptr i32) (local $end i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
      (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq (memory.grow (i32.add (i32.shr_u (local.get $end) (i32.const 16)) (i32.const 1))) (i32.const -1))
            (then unreachable))))
      (global.set $heap (local.get $end))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $log-lowered (canon lower (func $log) (memory $mem) (realloc $realloc) string-encoding=utf8))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "libc" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "host" "log" (func $log (param i32 i32 i32)))

    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))

    ;; shout(msg): log(1, msg), then return a copy with a-z turned into A-Z.
    ;; The result (ptr, len) is written to a return area at address 16.
    (func (export "shout") (param $p i32) (param $n i32) (result i32)
      (local $out i32) (local $i i32) (local $c i32)
      (call $log (i32.const 1) (local.get $p) (local.get $n))
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
            (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
          (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 16) (local.get $out))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16))

    (func $abs (param i32) (result i32)
      (select (i32.sub (i32.const 0) (local.get 0)) (local.get 0) (i32.lt_s (local.get 0) (i32.const 0))))

    ;; manhattan(a, b) = |a.x - b.x| + |a.y - b.y|; the two records arrive flattened as four i32s.
    (func (export "manhattan") (param $ax i32) (param $ay i32) (param $bx i32) (param $by i32) (result i32)
      (i32.add
        (call $abs (i32.sub (local.get $ax) (local.get $bx)))
        (call $abs (i32.sub (local.get $ay) (local.get $by))))))

  (core instance $host (export "log" (func $log-lowered)))
  (core instance $m (instantiate $main (with "libc" (instance $libc)) (with "host" (instance $host))))

  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add")))
  (func (export "shout") (param "msg" string) (result string)
    (canon lift (core func $m "shout") (memory $mem) (realloc $realloc) string-encoding=utf8))

  (type $point (record (field "x" s32) (field "y" s32)))
  (func $manhattan (param "a" $point) (param "b" $point) (result u32)
    (canon lift (core func $m "manhattan")))

  ;; The interface is a small component that re-exports the type and the function under their WIT names.
  (component $geometry
    (type $point-def (record (field "x" s32) (field "y" s32)))
    (import "import-type-point" (type $point (eq $point-def)))
    (import "import-func-manhattan" (func $f (param "a" $point) (param "b" $point) (result u32)))
    (export $e-point "point" (type $point))
    (export "manhattan" (func $f) (func (param "a" $e-point) (param "b" $e-point) (result u32))))
  (instance $geo (instantiate $geometry
    (with "import-type-point" (type $point))
    (with "import-func-manhattan" (func $manhattan))))
  (export "demo:calc/geometry@0.1.0" (instance $geo))
)
