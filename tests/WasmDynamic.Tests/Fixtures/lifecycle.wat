;; lifecycle.wat -- hand-written component-model test fixture for WasmDynamic (lifetime, threads, stack).
;;
;; Imports (WIT):
;;   import poke: func() -> u32;          // whatever the host does (dispose the instance, block, call back...)
;; Exports (WIT):
;;   run: func() -> u32;                   // poke() + 1
;;   recurse: func(n: u32) -> u32;         // unbounded recursion: recurse(n + 1), never returns
;;   spin: func();                         // loops forever
;;   add: func(a: u32, b: u32) -> u32;     // a + b
(component
  (import "poke" (func $poke (result u32)))
  (core func $poke-lowered (canon lower (func $poke)))
  (core module $impl
    (import "host" "poke" (func $poke (result i32)))
    (func (export "run") (result i32)
      (i32.add (call $poke) (i32.const 1)))
    (func $recurse (export "recurse") (param $n i32) (result i32)
      (call $recurse (i32.add (local.get $n) (i32.const 1))))
    (func (export "spin")
      (loop $forever (br $forever)))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1))))
  (core instance $host (export "poke" (func $poke-lowered)))
  (core instance $i (instantiate $impl (with "host" (instance $host))))
  (func $run (result u32) (canon lift (core func $i "run")))
  (func $recurse (param "n" u32) (result u32) (canon lift (core func $i "recurse")))
  (func $spin (canon lift (core func $i "spin")))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (export "run" (func $run))
  (export "recurse" (func $recurse))
  (export "spin" (func $spin))
  (export "add" (func $add))
)
