;; wasi-random.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Imports (WIT):
;;   import wasi:random/random@0.2.3;
;;     // interface random {
;;     //   get-random-bytes: func(len: u64) -> list<u8>;
;;     //   get-random-u64: func() -> u64;
;;     // }
;; Exports (WIT):
;;   export random-bytes: func(len: u64) -> list<u8>;   // forwards to get-random-bytes
;;   export random-u64: func() -> u64;                  // forwards to get-random-u64
;;
;; Canonical ABI notes: list<u8> flattens to (ptr, len), more than one core result, so
;; the lowered get-random-bytes is (i64 len, i32 retptr) -> () and writes (ptr, len)
;; into the return area (a fixed 8-byte block at address 64); the bytes are allocated
;; by the host in this memory through `realloc`. The lifted export returns the same
;; pointer. get-random-u64 is a plain () -> i64.
;;
;; The memory and realloc live in a separate "libc" core module that is instantiated
;; first, so the `canon lower` of get-random-bytes can name them.
(component
  (type $random-type (instance
    (export "get-random-bytes" (func (param "len" u64) (result (list u8))))
    (export "get-random-u64" (func (result u64)))))
  (import "wasi:random/random@0.2.3" (instance $random (type $random-type)))
  (alias export $random "get-random-bytes" (func $get-random-bytes))
  (alias export $random "get-random-u64" (func $get-random-u64))

  (core module $libc
    (memory (export "memory") 1)
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
  )
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))

  (core func $get-random-bytes-lowered
    (canon lower (func $get-random-bytes) (memory $mem) (realloc $realloc)))
  (core func $get-random-u64-lowered (canon lower (func $get-random-u64)))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "wasi" "get-random-bytes" (func $get-random-bytes (param i64 i32)))
    (import "wasi" "get-random-u64" (func $get-random-u64 (result i64)))
    (global $ret i32 (i32.const 64))
    (func (export "random-bytes") (param $len i64) (result i32)
      (call $get-random-bytes (local.get $len) (global.get $ret))
      (global.get $ret))
    (func (export "random-u64") (result i64)
      (call $get-random-u64))
  )
  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-random-bytes" (func $get-random-bytes-lowered))
      (export "get-random-u64" (func $get-random-u64-lowered))))))

  (func $random-bytes (param "len" u64) (result (list u8))
    (canon lift (core func $main "random-bytes") (memory $mem) (realloc $realloc)))
  (func $random-u64 (result u64)
    (canon lift (core func $main "random-u64")))
  (export "random-bytes" (func $random-bytes))
  (export "random-u64" (func $random-u64))
)
