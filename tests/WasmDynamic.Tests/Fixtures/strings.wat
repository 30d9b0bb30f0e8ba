;; strings.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Root exports (WIT):
;;   echo:              func(s: string) -> string            (identity)
;;   concat:            func(a: string, b: string) -> string (a followed by b)
;;   len:               func(s: string) -> u32               (length in UTF-8 bytes)
;;   roundtrip-list-u8: func(x: list<u8>) -> list<u8>        (identity)
;;   sum:               func(x: list<u8>) -> u32             (sum of the bytes)
;;
;; Canonical ABI notes: a string / list<u8> parameter arrives as (ptr, len) pointing
;; at bytes the host already copied into this memory through `realloc`. A string /
;; list result flattens to two core values, more than the single flat result allowed,
;; so the core function writes (ptr, len) into a static 8-byte return area and
;; returns its address.
(component
  (core module $impl
    (memory (export "memory") 1)
    ;; 8-byte return area at a fixed, 8-aligned address; the heap starts above it.
    (global $ret i32 (i32.const 16))
    ;; Bump allocator. Never frees; grows memory on demand.
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

    ;; Store (ptr, len) into the return area and hand back its address.
    (func $ret-pair (param $ptr i32) (param $len i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $ptr))
      (i32.store offset=4 (global.get $ret) (local.get $len))
      (global.get $ret))

    (func (export "echo") (param $ptr i32) (param $len i32) (result i32)
      (call $ret-pair (local.get $ptr) (local.get $len)))

    (func (export "concat")
      (param $a i32) (param $a-len i32) (param $b i32) (param $b-len i32) (result i32)
      (local $dst i32) (local $len i32)
      (local.set $len (i32.add (local.get $a-len) (local.get $b-len)))
      (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
      (memory.copy (local.get $dst) (local.get $a) (local.get $a-len))
      (memory.copy (i32.add (local.get $dst) (local.get $a-len)) (local.get $b) (local.get $b-len))
      (call $ret-pair (local.get $dst) (local.get $len)))

    (func (export "len") (param $ptr i32) (param $len i32) (result i32)
      (local.get $len))

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
  )
  (core instance $i (instantiate $impl))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))

  (func $echo (param "s" string) (result string)
    (canon lift (core func $i "echo")
      (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $concat (param "a" string) (param "b" string) (result string)
    (canon lift (core func $i "concat")
      (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $len (param "s" string) (result u32)
    (canon lift (core func $i "len")
      (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $roundtrip-list-u8 (param "x" (list u8)) (result (list u8))
    (canon lift (core func $i "echo")
      (memory $mem) (realloc $realloc)))
  (func $sum (param "x" (list u8)) (result u32)
    (canon lift (core func $i "sum")
      (memory $mem) (realloc $realloc)))

  (export "echo" (func $echo))
  (export "concat" (func $concat))
  (export "len" (func $len))
  (export "roundtrip-list-u8" (func $roundtrip-list-u8))
  (export "sum" (func $sum))
)
