;; wasi-sleep.wat -- hand-written fixture: a guest that sleeps through WASI 0.2 clocks and pollables (issue #17).
;;
;;   package wasi:io@0.2.3;      interface poll { resource pollable { block: func(); } }
;;   package wasi:clocks@0.2.3;  interface monotonic-clock {
;;                                 use wasi:io/poll@0.2.3.{pollable};
;;                                 now: func() -> u64;
;;                                 subscribe-duration: func(when: u64) -> pollable;
;;                               }
;;   world wasi-sleep {
;;     import wasi:io/poll@0.2.3;
;;     import wasi:clocks/monotonic-clock@0.2.3;
;;     export sleep: func(ms: u32) -> u64;   // subscribe-duration(ms), block on it, drop it; the ns that passed
;;   }
;;
;; As in wasi-stdout.wat, monotonic-clock's `pollable` is brought in with `alias outer` and re-exported with an `eq`
;; bound so that it is the same resource as wasi:io/poll's. In an async instance the host serves wasi:io/poll and the
;; monotonic clock (see AsyncWasi), so `block` suspends the guest's fiber instead of blocking the thread.
(component $root
  (type $poll-type (instance
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $p))))))
  (import "wasi:io/poll@0.2.3" (instance $poll (type $poll-type)))
  (alias export $poll "pollable" (type $pollable))
  (type $clock-type (instance
    (alias outer $root $pollable (type $outer))
    (export "pollable" (type $p (eq $outer)))
    (export "now" (func (result u64)))
    (export "subscribe-duration" (func (param "when" u64) (result (own $p))))))
  (import "wasi:clocks/monotonic-clock@0.2.3" (instance $clock (type $clock-type)))
  (alias export $clock "now" (func $now))
  (alias export $clock "subscribe-duration" (func $subscribe))
  (alias export $poll "[method]pollable.block" (func $block))
  (core func $now-lowered (canon lower (func $now)))
  (core func $subscribe-lowered (canon lower (func $subscribe)))
  (core func $block-lowered (canon lower (func $block)))
  (core func $drop (canon resource.drop $pollable))
  (core module $m
    (import "host" "now" (func $now (result i64)))
    (import "host" "subscribe" (func $subscribe (param i64) (result i32)))
    (import "host" "block" (func $block (param i32)))
    (import "host" "drop" (func $drop (param i32)))
    (func (export "sleep") (param $ms i32) (result i64)
      (local $start i64) (local $p i32)
      (local.set $start (call $now))
      (local.set $p (call $subscribe (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000))))
      (call $block (local.get $p))
      (call $drop (local.get $p))
      (i64.sub (call $now) (local.get $start))))
  (core instance $i (instantiate $m
    (with "host" (instance
      (export "now" (func $now-lowered))
      (export "subscribe" (func $subscribe-lowered))
      (export "block" (func $block-lowered))
      (export "drop" (func $drop))))))
  (func (export "sleep") (param "ms" u32) (result u64) (canon lift (core func $i "sleep"))))
