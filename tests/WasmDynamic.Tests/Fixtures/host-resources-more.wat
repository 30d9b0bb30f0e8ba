;; host-resources-more.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Static functions of an imported (host-implemented) resource that take a borrow
;; and an own handle.
;;
;; Imports (WIT):
;;   interface demo:host/store@0.1.0 {
;;     resource blob {
;;       constructor(init: string);
;;       len: func() -> u32;
;;       measure: static func(b: borrow<blob>) -> u32;
;;       take: static func(b: blob) -> u32;      // receives an OWN blob
;;     }
;;   }
;; Exports (WIT):
;;   measure-new: func(s: string) -> u32;  // b = blob(s); n = blob.measure(b); drop b; n
;;   give: func(s: string) -> u32;         // b = blob(s); blob.take(b)  (ownership moves to the host)
;;
;; `len` is imported but not called; it keeps the import the same shape as the
;; interface the host implements.
;;
;; Canonical ABI notes: the constructor lowers to (ptr, len) -> i32 own handle;
;; measure to (i32 borrow handle) -> i32, and the guest may pass a handle it owns
;; (the borrow ends when the call returns, and the guest drops its handle after);
;; take to (i32 own handle) -> i32, which moves the handle out of the guest's table,
;; so give must not drop it.
(component
  (type $store-type (instance
    (export "blob" (type $blob (sub resource)))
    (export "[constructor]blob" (func (param "init" string) (result (own $blob))))
    (export "[method]blob.len" (func (param "self" (borrow $blob)) (result u32)))
    (export "[static]blob.measure" (func (param "b" (borrow $blob)) (result u32)))
    (export "[static]blob.take" (func (param "b" (own $blob)) (result u32)))))
  (import "demo:host/store@0.1.0" (instance $store (type $store-type)))
  (alias export $store "blob" (type $blob))
  (alias export $store "[constructor]blob" (func $ctor))
  (alias export $store "[static]blob.measure" (func $measure))
  (alias export $store "[static]blob.take" (func $take))

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

  (core func $ctor-lowered
    (canon lower (func $ctor) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $measure-lowered (canon lower (func $measure)))
  (core func $take-lowered (canon lower (func $take)))
  (core func $blob-drop (canon resource.drop $blob))

  (core module $main
    (import "host" "ctor" (func $ctor (param i32 i32) (result i32)))
    (import "host" "measure" (func $measure (param i32) (result i32)))
    (import "host" "take" (func $take (param i32) (result i32)))
    (import "host" "drop" (func $drop (param i32)))
    (func (export "measure-new") (param $ptr i32) (param $len i32) (result i32)
      (local $b i32) (local $n i32)
      (local.set $b (call $ctor (local.get $ptr) (local.get $len)))
      (local.set $n (call $measure (local.get $b)))
      (call $drop (local.get $b))
      (local.get $n))
    (func (export "give") (param $ptr i32) (param $len i32) (result i32)
      (call $take (call $ctor (local.get $ptr) (local.get $len))))
  )
  (core instance $main (instantiate $main
    (with "host" (instance
      (export "ctor" (func $ctor-lowered))
      (export "measure" (func $measure-lowered))
      (export "take" (func $take-lowered))
      (export "drop" (func $blob-drop))))))

  (func $measure-new (param "s" string) (result u32)
    (canon lift (core func $main "measure-new") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $give (param "s" string) (result u32)
    (canon lift (core func $main "give") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (export "measure-new" (func $measure-new))
  (export "give" (func $give))
)
