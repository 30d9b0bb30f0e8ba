;; bulk/arena.wat -- a byte-list guest that manages its memory the way real guests do, for the bulk-bytes
;; benchmarks (#16) and the differential test.
;;
;; Root exports (WIT):
;;   sum:  func(x: list<u8>) -> u32        (sum of the bytes)
;;   echo: func(x: list<u8>) -> list<u8>   (identity, returned in place)
;;
;; strings.wat's allocator never frees, so every large call grows its memory and faults fresh pages in: a cost of
;; that fixture, not of the boundary. Here `realloc` bumps inside a per-call arena and each function's post-return
;; (`reset`) gives the arena back, as a guest's allocator frees an argument after the call (wit-bindgen's
;; `cabi_post_*`), so steady-state calls reuse the same pages. The loop in `sum` is the plain byte loop a compiler
;; emits without SIMD.
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
      (local $acc i32) (local $end i32)
      (local.set $end (i32.add (local.get $ptr) (local.get $len)))
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
