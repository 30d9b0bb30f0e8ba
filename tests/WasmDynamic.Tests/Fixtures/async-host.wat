;; async-host.wat -- hand-written fixture for the async (fiber) call path.
;;
;;   world async-host {
;;     import wait: func(ms: u32) -> u32;
;;     import greet: func(name: string) -> string;
;;     import many: func(a: u32, b: u32, c: u32, d: u32, e: u32) -> u32;
;;     import res: resource;               // a host resource the guest can only drop
;;     export run: func(n: u32) -> u32;            // wait(n) + 1
;;     export run-twice: func(n: u32) -> u32;      // wait(n) + wait(n + 1)
;;     export hello: func(name: string) -> string; // greet(name)
;;     export call-many: func() -> u32;            // many(1, 2, 3, 4, 5)
;;     export consume: func(r: own<res>);          // drops r
;;     export consume-two: func(a: own<res>, b: own<res>);
;;     export spin: func(n: u32) -> u32;           // counts to n in pure wasm
;;   }
(component
  (import "wait" (func $wait (param "ms" u32) (result u32)))
  (import "greet" (func $greet (param "name" string) (result string)))
  (import "many" (func $many (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32) (result u32)))
  (import "res" (type $res (sub resource)))
  (core module $mem
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p
        (i32.and
          (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mi (instantiate $mem))
  (core func $wait-lowered (canon lower (func $wait)))
  (core func $greet-lowered (canon lower (func $greet) (memory (core memory $mi "memory")) (realloc (core func $mi "realloc"))))
  (core func $many-lowered (canon lower (func $many)))
  (core func $drop (canon resource.drop $res))
  (core module $m
    (import "host" "wait" (func $wait (param i32) (result i32)))
    (import "host" "greet" (func $greet (param i32 i32 i32)))
    (import "host" "many" (func $many (param i32 i32 i32 i32 i32) (result i32)))
    (import "host" "drop" (func $drop (param i32)))
    (import "mem" "memory" (memory 1))
    (func (export "run") (param i32) (result i32)
      (i32.add (call $wait (local.get 0)) (i32.const 1)))
    (func (export "run-twice") (param i32) (result i32)
      (i32.add (call $wait (local.get 0)) (call $wait (i32.add (local.get 0) (i32.const 1)))))
    (func (export "hello") (param i32 i32) (result i32)
      (call $greet (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "call-many") (result i32)
      (call $many (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)))
    (func (export "consume") (param i32) (call $drop (local.get 0)))
    (func (export "consume-two") (param i32 i32) (call $drop (local.get 0)) (call $drop (local.get 1)))
    (func (export "spin") (param $n i32) (result i32)
      (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i)))
  (core instance $i (instantiate $m
    (with "host" (instance
      (export "wait" (func $wait-lowered))
      (export "greet" (func $greet-lowered))
      (export "many" (func $many-lowered))
      (export "drop" (func $drop))))
    (with "mem" (instance $mi))))
  (func (export "run") (param "n" u32) (result u32) (canon lift (core func $i "run")))
  (func (export "run-twice") (param "n" u32) (result u32) (canon lift (core func $i "run-twice")))
  (func (export "hello") (param "name" string) (result string)
    (canon lift (core func $i "hello") (memory (core memory $mi "memory")) (realloc (core func $mi "realloc"))))
  (func (export "call-many") (result u32) (canon lift (core func $i "call-many")))
  (func (export "consume") (param "r" (own $res)) (canon lift (core func $i "consume")))
  (func (export "consume-two") (param "a" (own $res)) (param "b" (own $res)) (canon lift (core func $i "consume-two")))
  (func (export "spin") (param "n" u32) (result u32) (canon lift (core func $i "spin"))))
