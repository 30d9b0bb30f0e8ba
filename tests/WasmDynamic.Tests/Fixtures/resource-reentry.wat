;; resource-reentry.wat -- hand-written component-model test fixture for WasmDynamic (issue 12 review: a guest
;; resource handle disposed while its instance is busy).
;;
;; Imports (WIT):
;;   import poke: func() -> u32;          // whatever the host does (dispose a handle, wait for a thread...)
;; Exports (WIT):
;;   package demo:re;
;;   interface things { resource thing { constructor(); } }
;;   world fixture {
;;     export things;                     // "demo:re/things"
;;     export run: func() -> u32;         // poke() + 1
;;     export drops: func() -> u32;       // how many things the destructor has destroyed
;;   }
(component
  (import "poke" (func $poke (result u32)))
  (core func $poke-lowered (canon lower (func $poke)))
  (core module $state
    (import "host" "poke" (func $poke (result i32)))
    (global $drops (mut i32) (i32.const 0))
    (func (export "run") (result i32)
      (i32.add (call $poke) (i32.const 1)))
    (func (export "dtor") (param $rep i32)
      (global.set $drops (i32.add (global.get $drops) (i32.const 1))))
    (func (export "drops") (result i32) (global.get $drops)))
  (core instance $host (export "poke" (func $poke-lowered)))
  (core instance $state (instantiate $state (with "host" (instance $host))))
  (alias core export $state "dtor" (core func $thing-dtor))
  (type $thing (resource (rep i32) (dtor (core func $thing-dtor))))
  (core func $thing-new (canon resource.new $thing))
  (core module $glue
    (import "resource" "new" (func $new (param i32) (result i32)))
    (func (export "constructor") (result i32)
      (call $new (i32.const 7))))
  (core instance $glue (instantiate $glue
    (with "resource" (instance (export "new" (func $thing-new))))))
  (func $constructor (result (own $thing))
    (canon lift (core func $glue "constructor")))
  (func $run (result u32) (canon lift (core func $state "run")))
  (func $drops (result u32) (canon lift (core func $state "drops")))
  (component $things-shim
    (import "import-type-thing" (type $thing (sub resource)))
    (import "import-constructor-thing" (func $constructor (result (own $thing))))
    (export $e-thing "thing" (type $thing))
    (export "[constructor]thing" (func $constructor) (func (result (own $e-thing)))))
  (instance $things (instantiate $things-shim
    (with "import-type-thing" (type $thing))
    (with "import-constructor-thing" (func $constructor))))
  (export "demo:re/things" (instance $things))
  (export "run" (func $run))
  (export "drops" (func $drops))
)
