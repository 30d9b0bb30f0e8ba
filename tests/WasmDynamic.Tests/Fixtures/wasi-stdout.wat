;; wasi-stdout.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Imports (WIT, the subset of WASI 0.2.3 this component uses):
;;
;;   package wasi:io@0.2.3;
;;   interface error {
;;     resource error;
;;   }
;;   interface streams {
;;     use error.{error};
;;     variant stream-error { last-operation-failed(error), closed }
;;     resource output-stream {
;;       blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>;
;;     }
;;   }
;;
;;   package wasi:cli@0.2.3;
;;   interface stdout {
;;     use wasi:io/streams@0.2.3.{output-stream};
;;     get-stdout: func() -> output-stream;
;;   }
;;
;;   world wasi-stdout {
;;     import wasi:io/error@0.2.3;
;;     import wasi:io/streams@0.2.3;
;;     import wasi:cli/stdout@0.2.3;
;;     export print: func(msg: string);
;;   }
;;
;; print(msg) gets the stdout stream (an own<output-stream>), calls
;; blocking-write-and-flush with the message's UTF-8 bytes -- in chunks of at most 4096
;; bytes, the most that function accepts per call -- traps (unreachable) if any call
;; returned err, then drops the stream handle with `canon resource.drop` and returns.
;;
;; Encoding follows wit-component: the resource types are imported with
;; `(export "..." (type (sub resource)))`; an interface that `use`s another's type
;; brings it in with `alias outer` to the component's alias of the other instance's
;; export and re-exports it with an `eq` bound (streams' "error", stdout's
;; "output-stream"), so the resource identities line up across the three imports.
;; The imported instance types list only what this component uses; Wasmtime's WASI
;; linker provides the rest of each interface.
;;
;; Canonical ABI notes:
;;   get-stdout                    () -> i32 (the own handle)
;;   blocking-write-and-flush      (self: i32 borrow handle, ptr: i32, len: i32, ret: i32) -> ()
;;     result<_, stream-error>: size 12, align 4: disc u8 @0 (0 = ok, 1 = err),
;;     stream-error disc u8 @4 (0 = last-operation-failed, 1 = closed), own<error> i32 @8.
;;     Its flat form (i32, i32, i32) is more than one core result, so the lowered
;;     import writes it into a return area (a fixed 16-byte block at address 64).
;;   An owned handle may be passed where a borrow is expected (the borrow ends when the
;;   call returns), after which the owned handle is dropped.
;;
;; The memory and realloc live in a separate "libc" core module that is instantiated
;; first, so the `canon lower` of blocking-write-and-flush can name the memory.
(component $root
  (type $error-type (instance
    (export "error" (type (sub resource)))))
  (import "wasi:io/error@0.2.3" (instance $error-instance (type $error-type)))
  (alias export $error-instance "error" (type $error))

  (type $streams-type (instance
    (alias outer $root $error (type $error-outer))
    (export "error" (type $error-local (eq $error-outer)))
    (type $stream-error-def (variant
      (case "last-operation-failed" (own $error-local))
      (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error-def)))
    (export "output-stream" (type $output-stream (sub resource)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $output-stream)) (param "contents" (list u8))
            (result (result (error $stream-error)))))))
  (import "wasi:io/streams@0.2.3" (instance $streams (type $streams-type)))
  (alias export $streams "output-stream" (type $output-stream))
  (alias export $streams "[method]output-stream.blocking-write-and-flush"
    (func $blocking-write-and-flush))

  (type $stdout-type (instance
    (alias outer $root $output-stream (type $output-stream-outer))
    (export "output-stream" (type $output-stream-local (eq $output-stream-outer)))
    (export "get-stdout" (func (result (own $output-stream-local))))))
  (import "wasi:cli/stdout@0.2.3" (instance $stdout (type $stdout-type)))
  (alias export $stdout "get-stdout" (func $get-stdout))

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

  (core func $get-stdout-lowered (canon lower (func $get-stdout)))
  (core func $blocking-write-and-flush-lowered
    (canon lower (func $blocking-write-and-flush) (memory $mem)))
  (core func $output-stream-drop (canon resource.drop $output-stream))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "blocking-write-and-flush" (func $blocking-write-and-flush (param i32 i32 i32 i32)))
    (import "wasi" "drop-output-stream" (func $drop-output-stream (param i32)))
    (global $ret i32 (i32.const 64))
    ;; blocking-write-and-flush accepts at most 4096 bytes per call (Wasmtime traps on
    ;; more), so the message goes out in chunks of up to 4096 bytes; an empty message
    ;; still makes one zero-length call.
    (func (export "print") (param $ptr i32) (param $len i32)
      (local $stream i32) (local $n i32)
      (local.set $stream (call $get-stdout))
      (loop $chunks
        (local.set $n
          (select (local.get $len) (i32.const 4096)
            (i32.lt_u (local.get $len) (i32.const 4096))))
        (call $blocking-write-and-flush
          (local.get $stream) (local.get $ptr) (local.get $n) (global.get $ret))
        (if (i32.load8_u offset=0 (global.get $ret))
          (then unreachable))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
        (local.set $len (i32.sub (local.get $len) (local.get $n)))
        (br_if $chunks (local.get $len)))
      (call $drop-output-stream (local.get $stream)))
  )
  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-stdout" (func $get-stdout-lowered))
      (export "blocking-write-and-flush" (func $blocking-write-and-flush-lowered))
      (export "drop-output-stream" (func $output-stream-drop))))))

  (func $print (param "msg" string)
    (canon lift (core func $main "print") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (export "print" (func $print))
)
