;; async-hostile.wat -- hand-written fixture for the adversarial tests of the async path (AsyncHostileTests, #17).
;;
;;   interface demo:hostile/host {
;;     fetch: func(key: string) -> string;
;;   }
;;   world async-hostile {
;;     import demo:hostile/host;
;;     export add: func(a: u32, b: u32) -> u32;      // pure wasm
;;     export echo: func(key: string) -> string;     // fetch(key)
;;     export fetch-then-trap: func(key: string);    // fetch(key), then unreachable
;;     export spin: func(n: u32) -> u32;             // counts to n in pure wasm
;;   }
(component
  (type $host-type (instance
    (export "fetch" (func (param "key" string) (result string)))))
  (import "demo:hostile/host" (instance $host (type $host-type)))
  (alias export $host "fetch" (func $fetch))

  (core module $libc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
        (then (drop (memory.grow (i32.add (i32.shr_u (global.get $heap) (i32.const 16)) (i32.const 1))))))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (core func $fetch-lowered (canon lower (func $fetch) (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (core module $m
    (import "host" "fetch" (func $fetch (param i32 i32 i32)))
    (import "libc" "memory" (memory 1))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "echo") (param i32 i32) (result i32)
      (call $fetch (local.get 0) (local.get 1) (i32.const 32))
      (i32.const 32))
    (func (export "fetch-then-trap") (param i32 i32)
      (call $fetch (local.get 0) (local.get 1) (i32.const 32))
      unreachable)
    (func (export "spin") (param $n i32) (result i32)
      (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i)))
  (core instance $i (instantiate $m
    (with "host" (instance (export "fetch" (func $fetch-lowered))))
    (with "libc" (instance $libc))))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func (export "echo") (param "key" string) (result string)
    (canon lift (core func $i "echo") (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (func (export "fetch-then-trap") (param "key" string)
    (canon lift (core func $i "fetch-then-trap") (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (func (export "spin") (param "n" u32) (result u32) (canon lift (core func $i "spin"))))
