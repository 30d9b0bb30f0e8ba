;; wasi-poll-stream.wat -- hand-written fixture (issue #17): wasi-poll.wat's guest with hello() replaced by stdout-ready(),
;; which imports wasi:io/streams' output-stream.subscribe. A stream's pollable cannot be served by the host in an async
;; store (see AsyncWasi), so async instances of this component keep Wasmtime's synchronous WASI.
;;
;;   package wasi:io@0.2.3;
;;   interface poll {
;;     resource pollable { ready: func() -> bool; block: func(); }
;;     poll: func(in: list<borrow<pollable>>) -> list<u32>;
;;   }
;;   interface error { resource error; }
;;   interface streams {
;;     use poll.{pollable};
;;     resource output-stream { subscribe: func() -> pollable; }
;;   }
;;   package wasi:cli@0.2.3;     interface stdout { use wasi:io/streams@0.2.3.{output-stream}; get-stdout: func() -> output-stream; }
;;   package wasi:clocks@0.2.3;  interface monotonic-clock {
;;                                 use wasi:io/poll@0.2.3.{pollable};
;;                                 now: func() -> u64;
;;                                 subscribe-instant: func(when: u64) -> pollable;
;;                                 subscribe-duration: func(when: u64) -> pollable;
;;                               }
;;   world wasi-poll {
;;     export sleep-poll: func(ms: u32) -> u64;              // subscribe-duration, poll([p]), drop; the ns that passed
;;     export poll-three: func(a: u32, b: u32, c: u32) -> u32; // three timers (ms), one poll; bit i set: index i returned
;;     export block-duration: func(ns: u64) -> u64;          // subscribe-duration(ns), block, drop; the ns that passed
;;     export block-instant: func(when: u64) -> u64;         // subscribe-instant(when), block, drop; the ns that passed
;;     export ready-instant: func(when: u64) -> u32;         // subscribe-instant(when).ready()
;;     export now: func() -> u64;
;;     export poll-empty: func();                            // poll([]): traps
;;     export stdout-ready: func() -> u32;                   // get-stdout().subscribe().ready()
;;   }
;;
;; Canonical ABI: poll lowers to (ptr, len, retptr) with its list<u32> result allocated through realloc and written as
;; (ptr, len) at retptr; the memory and realloc live in a "libc" core module instantiated first.
(component $root
  (type $poll-type (instance
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.ready" (func (param "self" (borrow $p)) (result bool)))
    (export "[method]pollable.block" (func (param "self" (borrow $p))))
    (export "poll" (func (param "in" (list (borrow $p))) (result (list u32))))))
  (import "wasi:io/poll@0.2.3" (instance $poll (type $poll-type)))
  (alias export $poll "pollable" (type $pollable))

  (type $error-type (instance (export "error" (type (sub resource)))))
  (import "wasi:io/error@0.2.3" (instance $error-instance (type $error-type)))

  (type $streams-type (instance
    (alias outer $root $pollable (type $pollable-outer))
    (export "pollable" (type $p (eq $pollable-outer)))
    (export "output-stream" (type $os (sub resource)))
    (export "[method]output-stream.subscribe" (func (param "self" (borrow $os)) (result (own $p))))))
  (import "wasi:io/streams@0.2.3" (instance $streams (type $streams-type)))
  (alias export $streams "output-stream" (type $output-stream))

  (type $stdout-type (instance
    (alias outer $root $output-stream (type $os-outer))
    (export "output-stream" (type $os (eq $os-outer)))
    (export "get-stdout" (func (result (own $os))))))
  (import "wasi:cli/stdout@0.2.3" (instance $stdout (type $stdout-type)))

  (type $clock-type (instance
    (alias outer $root $pollable (type $outer))
    (export "pollable" (type $p (eq $outer)))
    (export "now" (func (result u64)))
    (export "subscribe-instant" (func (param "when" u64) (result (own $p))))
    (export "subscribe-duration" (func (param "when" u64) (result (own $p))))))
  (import "wasi:clocks/monotonic-clock@0.2.3" (instance $clock (type $clock-type)))

  (core module $libc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    ;; Bump allocator (the list<u32> results of poll); never frees.
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
      (global.set $heap (i32.add (local.get $ptr) (local.get $new_size)))
      (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
        (then (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))

  (alias export $clock "now" (func $now))
  (alias export $clock "subscribe-instant" (func $subscribe-instant))
  (alias export $clock "subscribe-duration" (func $subscribe-duration))
  (alias export $poll "[method]pollable.ready" (func $ready))
  (alias export $poll "[method]pollable.block" (func $block))
  (alias export $poll "poll" (func $poll-fn))
  (alias export $stdout "get-stdout" (func $get-stdout))
  (alias export $streams "[method]output-stream.subscribe" (func $subscribe-stream))
  (core func $now-lowered (canon lower (func $now)))
  (core func $instant-lowered (canon lower (func $subscribe-instant)))
  (core func $duration-lowered (canon lower (func $subscribe-duration)))
  (core func $ready-lowered (canon lower (func $ready)))
  (core func $block-lowered (canon lower (func $block)))
  (core func $poll-lowered (canon lower (func $poll-fn) (memory $mem) (realloc $realloc)))
  (core func $get-stdout-lowered (canon lower (func $get-stdout)))
  (core func $subscribe-stream-lowered (canon lower (func $subscribe-stream)))
  (core func $drop-pollable (canon resource.drop $pollable))
  (core func $drop-stream (canon resource.drop $output-stream))

  (core module $m
    (import "libc" "memory" (memory 1))
    (import "host" "now" (func $now (result i64)))
    (import "host" "instant" (func $instant (param i64) (result i32)))
    (import "host" "duration" (func $duration (param i64) (result i32)))
    (import "host" "ready" (func $ready (param i32) (result i32)))
    (import "host" "block" (func $block (param i32)))
    (import "host" "poll" (func $poll (param i32 i32 i32)))
    (import "host" "get-stdout" (func $get-stdout (result i32)))
    (import "host" "subscribe-stream" (func $subscribe-stream (param i32) (result i32)))
    (import "host" "drop-pollable" (func $drop (param i32)))
    (import "host" "drop-stream" (func $drop-stream (param i32)))
    ;; The list argument of poll at 512, its return area (ptr, len) at 600.
    (func $ms (param $ms i32) (result i64) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000)))
    ;; Bit i of the result: index i came back from the poll whose return area is at 600.
    (func $mask (result i32)
      (local $ptr i32) (local $len i32) (local $mask i32)
      (local.set $ptr (i32.load (i32.const 600)))
      (local.set $len (i32.load (i32.const 604)))
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $mask (i32.or (local.get $mask) (i32.shl (i32.const 1) (i32.load (local.get $ptr)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
      (local.get $mask))
    (func (export "sleep-poll") (param $ms i32) (result i64)
      (local $start i64) (local $p i32)
      (local.set $start (call $now))
      (local.set $p (call $duration (call $ms (local.get $ms))))
      (i32.store (i32.const 512) (local.get $p))
      (call $poll (i32.const 512) (i32.const 1) (i32.const 600))
      (if (i32.ne (call $mask) (i32.const 1)) (then unreachable))
      (call $drop (local.get $p))
      (i64.sub (call $now) (local.get $start)))
    (func (export "poll-three") (param $a i32) (param $b i32) (param $c i32) (result i32)
      (local $mask i32)
      (i32.store (i32.const 512) (call $duration (call $ms (local.get $a))))
      (i32.store (i32.const 516) (call $duration (call $ms (local.get $b))))
      (i32.store (i32.const 520) (call $duration (call $ms (local.get $c))))
      (call $poll (i32.const 512) (i32.const 3) (i32.const 600))
      (local.set $mask (call $mask))
      (call $drop (i32.load (i32.const 512)))
      (call $drop (i32.load (i32.const 516)))
      (call $drop (i32.load (i32.const 520)))
      (local.get $mask))
    (func (export "block-duration") (param $ns i64) (result i64)
      (local $start i64) (local $p i32)
      (local.set $start (call $now))
      (local.set $p (call $duration (local.get $ns)))
      (call $block (local.get $p))
      (call $drop (local.get $p))
      (i64.sub (call $now) (local.get $start)))
    (func (export "block-instant") (param $when i64) (result i64)
      (local $start i64) (local $p i32)
      (local.set $start (call $now))
      (local.set $p (call $instant (local.get $when)))
      (call $block (local.get $p))
      (call $drop (local.get $p))
      (i64.sub (call $now) (local.get $start)))
    (func (export "ready-instant") (param $when i64) (result i32)
      (local $p i32) (local $r i32)
      (local.set $p (call $instant (local.get $when)))
      (local.set $r (call $ready (local.get $p)))
      (call $drop (local.get $p))
      (local.get $r))
    (func (export "now") (result i64) (call $now))
    (func (export "poll-empty") (call $poll (i32.const 512) (i32.const 0) (i32.const 600)))
    (func (export "stdout-ready") (result i32)
      (local $s i32) (local $p i32) (local $r i32)
      (local.set $s (call $get-stdout))
      (local.set $p (call $subscribe-stream (local.get $s)))
      (local.set $r (call $ready (local.get $p)))
      (call $drop (local.get $p))
      (call $drop-stream (local.get $s))
      (local.get $r)))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc))
    (with "host" (instance
      (export "now" (func $now-lowered))
      (export "instant" (func $instant-lowered))
      (export "duration" (func $duration-lowered))
      (export "ready" (func $ready-lowered))
      (export "block" (func $block-lowered))
      (export "poll" (func $poll-lowered))
      (export "get-stdout" (func $get-stdout-lowered))
      (export "subscribe-stream" (func $subscribe-stream-lowered))
      (export "drop-pollable" (func $drop-pollable))
      (export "drop-stream" (func $drop-stream))))))
  (func (export "sleep-poll") (param "ms" u32) (result u64) (canon lift (core func $i "sleep-poll")))
  (func (export "poll-three") (param "a" u32) (param "b" u32) (param "c" u32) (result u32) (canon lift (core func $i "poll-three")))
  (func (export "block-duration") (param "ns" u64) (result u64) (canon lift (core func $i "block-duration")))
  (func (export "block-instant") (param "when" u64) (result u64) (canon lift (core func $i "block-instant")))
  (func (export "ready-instant") (param "when" u64) (result u32) (canon lift (core func $i "ready-instant")))
  (func (export "now") (result u64) (canon lift (core func $i "now")))
  (func (export "poll-empty") (canon lift (core func $i "poll-empty")))
  (func (export "stdout-ready") (result u32) (canon lift (core func $i "stdout-ready"))))
