;; wasi-poll-versions.wat -- hand-written fixture (issue #17): a guest importing two versions of wasi:io/poll and of
;; wasi:clocks/monotonic-clock (as a composition of components built against different WASI releases may), in the
;; order poll@0.2.0, poll@0.2.3, monotonic-clock@0.2.3, monotonic-clock@0.2.0. Each clock's `pollable` is its own
;; version's (alias outer + eq, as in wasi-sleep.wat).
;;
;;   export sleep-023: func(ms: u32) -> u64;  // clock@0.2.3 subscribe-duration, poll@0.2.3 block, drop; ns passed
;;   export sleep-020: func(ms: u32) -> u64;  // the same through the 0.2.0 interfaces
;;
;; Async instances must serve both pairs, each clock with the pollable of its own version.
(component $root
  (type $poll-type-020 (instance
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $p))))))
  (import "wasi:io/poll@0.2.0" (instance $poll-020 (type $poll-type-020)))
  (alias export $poll-020 "pollable" (type $pollable-020))
  (type $poll-type-023 (instance
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $p))))))
  (import "wasi:io/poll@0.2.3" (instance $poll-023 (type $poll-type-023)))
  (alias export $poll-023 "pollable" (type $pollable-023))
  (type $clock-type-023 (instance
    (alias outer $root $pollable-023 (type $outer))
    (export "pollable" (type $p (eq $outer)))
    (export "now" (func (result u64)))
    (export "subscribe-duration" (func (param "when" u64) (result (own $p))))))
  (import "wasi:clocks/monotonic-clock@0.2.3" (instance $clock-023 (type $clock-type-023)))
  (type $clock-type-020 (instance
    (alias outer $root $pollable-020 (type $outer))
    (export "pollable" (type $p (eq $outer)))
    (export "now" (func (result u64)))
    (export "subscribe-duration" (func (param "when" u64) (result (own $p))))))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock-020 (type $clock-type-020)))
  (alias export $clock-023 "now" (func $now-023))
  (alias export $clock-023 "subscribe-duration" (func $subscribe-023))
  (alias export $poll-023 "[method]pollable.block" (func $block-023))
  (core func $now-lowered-023 (canon lower (func $now-023)))
  (core func $subscribe-lowered-023 (canon lower (func $subscribe-023)))
  (core func $block-lowered-023 (canon lower (func $block-023)))
  (core func $drop-023 (canon resource.drop $pollable-023))
  (core module $m-023
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
  (core instance $i-023 (instantiate $m-023
    (with "host" (instance
      (export "now" (func $now-lowered-023))
      (export "subscribe" (func $subscribe-lowered-023))
      (export "block" (func $block-lowered-023))
      (export "drop" (func $drop-023))))))
  (func (export "sleep-023") (param "ms" u32) (result u64) (canon lift (core func $i-023 "sleep")))
  (alias export $clock-020 "now" (func $now-020))
  (alias export $clock-020 "subscribe-duration" (func $subscribe-020))
  (alias export $poll-020 "[method]pollable.block" (func $block-020))
  (core func $now-lowered-020 (canon lower (func $now-020)))
  (core func $subscribe-lowered-020 (canon lower (func $subscribe-020)))
  (core func $block-lowered-020 (canon lower (func $block-020)))
  (core func $drop-020 (canon resource.drop $pollable-020))
  (core module $m-020
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
  (core instance $i-020 (instantiate $m-020
    (with "host" (instance
      (export "now" (func $now-lowered-020))
      (export "subscribe" (func $subscribe-lowered-020))
      (export "block" (func $block-lowered-020))
      (export "drop" (func $drop-020))))))
  (func (export "sleep-020") (param "ms" u32) (result u64) (canon lift (core func $i-020 "sleep")))
)
