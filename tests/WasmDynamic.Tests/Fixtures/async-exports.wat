;; async-exports.wat -- hand-written fixture for async exports and async host imports (issue #17).
;;
;;   interface demo:async/host {
;;     fetch: func(key: string) -> string;
;;     sleep: func(ms: u32);
;;     check: func(n: u32) -> result<u32, string>;
;;     resource counter { constructor(start: u32); next: func() -> u32; }
;;   }
;;   world async-exports {
;;     import demo:async/host;
;;     export add: func(a: u32, b: u32) -> u32;          // pure wasm
;;     export echo: func(key: string) -> string;         // fetch(key)
;;     export nap: func(ms: u32);                        // sleep(ms)
;;     export checked: func(n: u32) -> result<u32, string>; // check(n)
;;     export spin: func(n: u32) -> u32;                 // counts to n in pure wasm
;;     export count: func(start: u32, n: u32) -> u32;    // c = counter(start); n times c.next(); drop c; last value
;;   }
(component
  (type $host-type (instance
    (export "counter" (type $counter (sub resource)))
    (type $r (result u32 (error string)))
    (export "fetch" (func (param "key" string) (result string)))
    (export "sleep" (func (param "ms" u32)))
    (export "check" (func (param "n" u32) (result $r)))
    (export "[constructor]counter" (func (param "start" u32) (result (own $counter))))
    (export "[method]counter.next" (func (param "self" (borrow $counter)) (result u32)))))
  (import "demo:async/host" (instance $host (type $host-type)))
  (alias export $host "counter" (type $counter))
  (alias export $host "fetch" (func $fetch))
  (alias export $host "sleep" (func $sleep))
  (alias export $host "check" (func $check))
  (alias export $host "[constructor]counter" (func $ctor))
  (alias export $host "[method]counter.next" (func $next))

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
  (core func $sleep-lowered (canon lower (func $sleep)))
  (core func $check-lowered (canon lower (func $check) (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (core func $ctor-lowered (canon lower (func $ctor)))
  (core func $next-lowered (canon lower (func $next)))
  (core func $drop (canon resource.drop $counter))
  (core module $m
    (import "host" "fetch" (func $fetch (param i32 i32 i32)))
    (import "host" "sleep" (func $sleep (param i32)))
    (import "host" "check" (func $check (param i32 i32)))
    (import "host" "ctor" (func $ctor (param i32) (result i32)))
    (import "host" "next" (func $next (param i32) (result i32)))
    (import "host" "drop" (func $drop (param i32)))
    (import "libc" "memory" (memory 1))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "echo") (param i32 i32) (result i32)
      (call $fetch (local.get 0) (local.get 1) (i32.const 32))
      (i32.const 32))
    (func (export "nap") (param i32) (call $sleep (local.get 0)))
    (func (export "checked") (param i32) (result i32)
      (call $check (local.get 0) (i32.const 48))
      (i32.const 48))
    (func (export "spin") (param $n i32) (result i32)
      (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i))
    (func (export "count") (param $start i32) (param $n i32) (result i32)
      (local $c i32) (local $r i32) (local $i i32)
      (local.set $c (call $ctor (local.get $start)))
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $r (call $next (local.get $c)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (call $drop (local.get $c))
      (local.get $r)))
  (core instance $i (instantiate $m
    (with "host" (instance
      (export "fetch" (func $fetch-lowered))
      (export "sleep" (func $sleep-lowered))
      (export "check" (func $check-lowered))
      (export "ctor" (func $ctor-lowered))
      (export "next" (func $next-lowered))
      (export "drop" (func $drop))))
    (with "libc" (instance $libc))))
  (type $r (result u32 (error string)))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func (export "echo") (param "key" string) (result string)
    (canon lift (core func $i "echo") (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (func (export "nap") (param "ms" u32) (canon lift (core func $i "nap")))
  (func (export "checked") (param "n" u32) (result $r)
    (canon lift (core func $i "checked") (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (func (export "spin") (param "n" u32) (result u32) (canon lift (core func $i "spin")))
  (func (export "count") (param "start" u32) (param "n" u32) (result u32) (canon lift (core func $i "count"))))
