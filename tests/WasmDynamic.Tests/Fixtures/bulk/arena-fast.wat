;; bulk/arena-fast.wat -- bulk/arena.wat with `sum` written as an optimizing compiler emits a byte sum without
;; SIMD: 32 bytes per iteration as four i64 loads, byte pairs added in 16-bit lanes (SWAR) and folded every 1 KiB,
;; then a byte loop for the rest. For the bulk-bytes benchmarks (#16), beside arena.wat (whose `sum` is the plain
;; byte loop), so the boundary's share shows with a guest loop that is not the bottleneck; the differential test
;; picks it up like every fixture.
;;
;; Root exports (WIT):
;;   sum:  func(x: list<u8>) -> u32        (sum of the bytes, mod 2^32)
;;   echo: func(x: list<u8>) -> list<u8>   (identity, returned in place)
;;
;; Allocation as in arena.wat: `realloc` bumps inside a per-call arena that each post-return gives back.
(component
  (core module $impl
    (memory (export "memory") 1)
    (global $ret i32 (i32.const 16))
    (global $base i32 (i32.const 4096))
    (global $heap (mut i32) (i32.const 4096))
    (func $realloc (export "realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
      (result i32)
      (local $ptr i32) (local $end i32) (local $have i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
      (if (i32.lt_u (local.get $end) (local.get $ptr)) (then unreachable))
      (local.set $have (i32.shl (memory.size) (i32.const 16)))
      (if (i32.gt_u (local.get $end) (local.get $have))
        (then
          (if (i32.eq
                (memory.grow
                  (i32.shr_u
                    (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                    (i32.const 16)))
                (i32.const -1))
            (then unreachable))))
      (global.set $heap (local.get $end))
      (if (local.get $old)
        (then
          (memory.copy (local.get $ptr) (local.get $old)
            (select (local.get $old_size) (local.get $new_size)
              (i32.lt_u (local.get $old_size) (local.get $new_size))))))
      (local.get $ptr))

    ;; Post-return of both functions: the call's arena is free again.
    (func (export "reset") (param i32)
      (global.set $heap (global.get $base)))

    (func (export "sum") (param $ptr i32) (param $len i32) (result i32)
      (local $acc i32) (local $end i32) (local $chunk i32) (local $lanes i64) (local $x i64)
      (local.set $end (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -32))))
      (block $wide
        (loop $outer
          (br_if $wide (i32.ge_u (local.get $ptr) (local.get $end)))
          ;; At most 1 KiB per fold: 32 steps x 4 loads x 2 x 255 fits a 16-bit lane.
          (local.set $chunk (i32.add (local.get $ptr) (i32.const 1024)))
          (if (i32.gt_u (local.get $chunk) (local.get $end)) (then (local.set $chunk (local.get $end))))
          (local.set $lanes (i64.const 0))
          (loop $inner
        (local.set $x (i64.load offset=0 (local.get $ptr)))
        (local.set $lanes (i64.add (local.get $lanes)
          (i64.add (i64.and (local.get $x) (i64.const 0x00FF00FF00FF00FF))
                   (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00FF00FF00FF00FF)))))
        (local.set $x (i64.load offset=8 (local.get $ptr)))
        (local.set $lanes (i64.add (local.get $lanes)
          (i64.add (i64.and (local.get $x) (i64.const 0x00FF00FF00FF00FF))
                   (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00FF00FF00FF00FF)))))
        (local.set $x (i64.load offset=16 (local.get $ptr)))
        (local.set $lanes (i64.add (local.get $lanes)
          (i64.add (i64.and (local.get $x) (i64.const 0x00FF00FF00FF00FF))
                   (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00FF00FF00FF00FF)))))
        (local.set $x (i64.load offset=24 (local.get $ptr)))
        (local.set $lanes (i64.add (local.get $lanes)
          (i64.add (i64.and (local.get $x) (i64.const 0x00FF00FF00FF00FF))
                   (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00FF00FF00FF00FF)))))
            (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
            (br_if $inner (i32.lt_u (local.get $ptr) (local.get $chunk))))
          ;; Four 16-bit lanes -> two 32-bit lanes -> the sum.
          (local.set $lanes
            (i64.add (i64.and (local.get $lanes) (i64.const 0x0000FFFF0000FFFF))
                     (i64.and (i64.shr_u (local.get $lanes) (i64.const 16)) (i64.const 0x0000FFFF0000FFFF))))
          (local.set $acc (i32.add (local.get $acc)
            (i32.wrap_i64 (i64.add (i64.and (local.get $lanes) (i64.const 0xFFFFFFFF)) (i64.shr_u (local.get $lanes) (i64.const 32))))))
          (br $outer)))
      (local.set $end (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const 31))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
          (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $ptr))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
          (br $next)))
      (local.get $acc))

    (func (export "echo") (param $ptr i32) (param $len i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $ptr))
      (i32.store offset=4 (global.get $ret) (local.get $len))
      (global.get $ret))
  )
  (core instance $i (instantiate $impl))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))

  (func $sum (param "x" (list u8)) (result u32)
    (canon lift (core func $i "sum")
      (memory $mem) (realloc $realloc) (post-return (core func $i "reset"))))
  (func $echo (param "x" (list u8)) (result (list u8))
    (canon lift (core func $i "echo")
      (memory $mem) (realloc $realloc) (post-return (core func $i "reset"))))

  (export "sum" (func $sum))
  (export "echo" (func $echo))
)
