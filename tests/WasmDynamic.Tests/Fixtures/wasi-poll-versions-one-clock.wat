;; wasi-poll-versions-one-clock.wat -- hand-written fixture (issue #17): imports wasi:io/poll@0.2.0 (unused), then
;; wasi:io/poll@0.2.3 and wasi:clocks/monotonic-clock@0.2.3, whose `pollable` is 0.2.3's.
;;
;;   export sleep-023: func(ms: u32) -> u64;  // subscribe-duration, block, drop; the ns that passed
;;
;; Picking "the first wasi:io/poll" by name without its version pairs the 0.2.3 clock with 0.2.0's pollable.
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
)
