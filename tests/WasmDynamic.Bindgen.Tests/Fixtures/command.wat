;; command.wat -- a tiny wasi:cli command component for the CLI's `run` tests.
;;
;; Imports (WIT, the subset of WASI 0.2.3 it uses):
;;   wasi:io/error@0.2.3         resource error;
;;   wasi:io/streams@0.2.3       resource output-stream { blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>; }
;;   wasi:cli/stdout@0.2.3       get-stdout: func() -> output-stream;
;;   wasi:cli/environment@0.2.3  get-arguments: func() -> list<string>;
;; Exports (WIT):
;;   wasi:cli/run@0.2.3          run: func() -> result;
;;
;; run() writes "hello from a wasi:cli command\n" to stdout. With no argument beyond the program name it returns
;; ok (exit code 0); otherwise it also writes its first argument and a newline, and returns err (exit code 1).
;;
;; The imports are encoded as in wasi-stdout.wat (tests/WasmDynamic.Tests/Fixtures), whose notes explain the resource
;; aliases and the canonical ABI of blocking-write-and-flush. get-arguments returns list<string> through a return
;; area: (ptr, len) at 128; each element is a (ptr, len) pair of 8 bytes, allocated with the realloc below.
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

  (type $environment-type (instance
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/environment@0.2.3" (instance $environment (type $environment-type)))
  (alias export $environment "get-arguments" (func $get-arguments))

  (core module $libc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    ;; Bump allocator; the arguments of one run fit in the first page plus growth.
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
        (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $heap) (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1))))))
      (local.get $p))
    (data (i32.const 1024) "hello from a wasi:cli command\n")
    (data (i32.const 1100) "\n"))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))

  (core func $get-stdout-lowered (canon lower (func $get-stdout)))
  (core func $blocking-write-and-flush-lowered
    (canon lower (func $blocking-write-and-flush) (memory $mem)))
  (core func $output-stream-drop (canon resource.drop $output-stream))
  (core func $get-arguments-lowered
    (canon lower (func $get-arguments) (memory $mem) (realloc $realloc) string-encoding=utf8))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "blocking-write-and-flush" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "drop-output-stream" (func $drop (param i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (global $ret i32 (i32.const 64))
    (func $print (param $stream i32) (param $ptr i32) (param $len i32)
      (call $write (local.get $stream) (local.get $ptr) (local.get $len) (global.get $ret))
      (if (i32.load8_u (global.get $ret)) (then unreachable)))
    (func (export "run") (result i32)
      (local $stream i32) (local $args i32) (local $status i32)
      (local.set $stream (call $get-stdout))
      (call $print (local.get $stream) (i32.const 1024) (i32.const 30))
      (call $get-arguments (i32.const 128))
      (if (i32.ge_u (i32.load offset=4 (i32.const 128)) (i32.const 2))
        (then
          (local.set $args (i32.load (i32.const 128)))
          (call $print (local.get $stream) (i32.load offset=8 (local.get $args)) (i32.load offset=12 (local.get $args)))
          (call $print (local.get $stream) (i32.const 1100) (i32.const 1))
          (local.set $status (i32.const 1))))
      (call $drop (local.get $stream))
      (local.get $status)))
  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-stdout" (func $get-stdout-lowered))
      (export "blocking-write-and-flush" (func $blocking-write-and-flush-lowered))
      (export "drop-output-stream" (func $output-stream-drop))
      (export "get-arguments" (func $get-arguments-lowered))))))

  (func $run (result (result))
    (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.3" (instance $run-instance))
)
