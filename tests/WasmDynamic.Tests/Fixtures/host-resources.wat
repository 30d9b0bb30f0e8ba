;; host-resources.wat -- a component that uses a resource the host implements.
;;
;; Imports (WIT):
;;   interface demo:host/store@0.1.0 {
;;     resource blob {
;;       constructor(init: string);
;;       append: func(s: string);
;;       len: func() -> u32;
;;       concat: static func(a: borrow<blob>, b: borrow<blob>) -> blob;
;;       copy: func() -> blob;
;;       join: func(other: borrow<blob>) -> blob;
;;       same: func(other: borrow<blob>) -> u32;
;;     }
;;   }
;; Exports (WIT):
;;   run: func(s: string) -> u32;    // b = blob(s); b.append("!"); n = b.len(); drop b; n
;;   twice: func(s: string) -> u32;  // a = blob(s); c = a.copy(); n = c.len(); drop a; drop c; n
;;   same: func(s: string) -> u32;   // a = blob(s); n = a.same(a); drop a; n   (two borrows in one host call)
;;   keep: func(s: string) -> u32;   // creates a blob and never drops it (so the host sees it alive); returns its len
(component
  (type $store-type (instance
    (export "blob" (type $blob (sub resource)))
    (export "[constructor]blob" (func (param "init" string) (result (own $blob))))
    (export "[method]blob.append" (func (param "self" (borrow $blob)) (param "s" string)))
    (export "[method]blob.len" (func (param "self" (borrow $blob)) (result u32)))
    (export "[static]blob.concat" (func (param "a" (borrow $blob)) (param "b" (borrow $blob)) (result (own $blob))))
    (export "[method]blob.copy" (func (param "self" (borrow $blob)) (result (own $blob))))
    (export "[method]blob.join" (func (param "self" (borrow $blob)) (param "other" (borrow $blob)) (result (own $blob))))
    (export "[method]blob.same" (func (param "self" (borrow $blob)) (param "other" (borrow $blob)) (result u32)))))
  (import "demo:host/store@0.1.0" (instance $store (type $store-type)))
  (alias export $store "blob" (type $blob))
  (alias export $store "[constructor]blob" (func $ctor))
  (alias export $store "[method]blob.append" (func $append))
  (alias export $store "[method]blob.len" (func $len))
  (alias export $store "[static]blob.concat" (func $concat))
  (alias export $store "[method]blob.copy" (func $copy))
  (alias export $store "[method]blob.join" (func $join))
  (alias export $store "[method]blob.same" (func $same))

  (core module $libc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
        (then (drop (memory.grow (i32.add (i32.shr_u (global.get $heap) (i32.const 16)) (i32.const 1))))))
      (local.get $p))
    (data (i32.const 100) "!"))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))

  (core func $ctor-l (canon lower (func $ctor) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $append-l (canon lower (func $append) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $len-l (canon lower (func $len)))
  (core func $concat-l (canon lower (func $concat)))
  (core func $copy-l (canon lower (func $copy)))
  (core func $join-l (canon lower (func $join)))
  (core func $same-l (canon lower (func $same)))
  (core func $drop-l (canon resource.drop $blob))

  (core module $main
    (import "host" "ctor" (func $ctor (param i32 i32) (result i32)))
    (import "host" "append" (func $append (param i32 i32 i32)))
    (import "host" "len" (func $len (param i32) (result i32)))
    (import "host" "concat" (func $concat (param i32 i32) (result i32)))
    (import "host" "copy" (func $copy (param i32) (result i32)))
    (import "host" "join" (func $join (param i32 i32) (result i32)))
    (import "host" "same" (func $same (param i32 i32) (result i32)))
    (import "host" "drop" (func $drop (param i32)))
    (func (export "run") (param $p i32) (param $n i32) (result i32)
      (local $b i32) (local $r i32)
      (local.set $b (call $ctor (local.get $p) (local.get $n)))
      (call $append (local.get $b) (i32.const 100) (i32.const 1))
      (local.set $r (call $len (local.get $b)))
      (call $drop (local.get $b))
      (local.get $r))
    (func (export "twice") (param $p i32) (param $n i32) (result i32)
      (local $a i32) (local $c i32) (local $r i32)
      (local.set $a (call $ctor (local.get $p) (local.get $n)))
      (local.set $c (call $copy (local.get $a)))
      (local.set $r (call $len (local.get $c)))
      (call $drop (local.get $a))
      (call $drop (local.get $c))
      (local.get $r))
    (func (export "same") (param $p i32) (param $n i32) (result i32)
      (local $a i32) (local $r i32)
      (local.set $a (call $ctor (local.get $p) (local.get $n)))
      (local.set $r (call $same (local.get $a) (local.get $a)))
      (call $drop (local.get $a))
      (local.get $r))
    (func (export "keep") (param $p i32) (param $n i32) (result i32)
      (call $len (call $ctor (local.get $p) (local.get $n)))))
  (core instance $host
    (export "ctor" (func $ctor-l))
    (export "append" (func $append-l))
    (export "len" (func $len-l))
    (export "concat" (func $concat-l))
    (export "copy" (func $copy-l))
    (export "join" (func $join-l))
    (export "same" (func $same-l))
    (export "drop" (func $drop-l)))
  (core instance $m (instantiate $main (with "host" (instance $host))))
  (func (export "run") (param "s" string) (result u32)
    (canon lift (core func $m "run") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func (export "twice") (param "s" string) (result u32)
    (canon lift (core func $m "twice") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func (export "same") (param "s" string) (result u32)
    (canon lift (core func $m "same") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func (export "keep") (param "s" string) (result u32)
    (canon lift (core func $m "keep") (memory $mem) (realloc $realloc) string-encoding=utf8))
)
