;; wasi-env.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Imports (WIT):
;;   import wasi:cli/environment@0.2.3;
;;     // interface environment {
;;     //   get-environment: func() -> list<tuple<string, string>>;
;;     //   get-arguments: func() -> list<string>;
;;     //   initial-cwd: func() -> option<string>;
;;     // }
;; Exports (WIT):
;;   export env: func() -> list<tuple<string, string>>;   // forwards to get-environment
;;   export args: func() -> list<string>;                 // forwards to get-arguments
;;
;; `initial-cwd` is declared in the imported instance type (so the import is the whole
;; WASI interface) but not called.
;;
;; Canonical ABI notes: every result here flattens to more than one core value, so the
;; lowered imports take a return-area pointer (i32) and write (ptr, len) -- or, for
;; option<string>, (disc, ptr, len) -- into it; the lists and strings themselves are
;; allocated by the host in this memory through `realloc`. The lifted exports return
;; that same pointer. The return area is a fixed 16-byte block at address 64.
;;
;; The memory and realloc live in a separate "libc" core module that is instantiated
;; first, so the `canon lower`s of the imports can name them.
(component
  (type $environment-type (instance
    (export "get-environment" (func (result (list (tuple string string)))))
    (export "get-arguments" (func (result (list string))))
    (export "initial-cwd" (func (result (option string))))))
  (import "wasi:cli/environment@0.2.3" (instance $environment (type $environment-type)))
  (alias export $environment "get-environment" (func $get-environment))
  (alias export $environment "get-arguments" (func $get-arguments))

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

  (core func $get-environment-lowered
    (canon lower (func $get-environment) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $get-arguments-lowered
    (canon lower (func $get-arguments) (memory $mem) (realloc $realloc) string-encoding=utf8))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "wasi" "get-environment" (func $get-environment (param i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (global $ret i32 (i32.const 64))
    (func (export "env") (result i32)
      (call $get-environment (global.get $ret))
      (global.get $ret))
    (func (export "args") (result i32)
      (call $get-arguments (global.get $ret))
      (global.get $ret))
  )
  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-environment" (func $get-environment-lowered))
      (export "get-arguments" (func $get-arguments-lowered))))))

  (func $env (result (list (tuple string string)))
    (canon lift (core func $main "env") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $args (result (list string))
    (canon lift (core func $main "args") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (export "env" (func $env))
  (export "args" (func $args))
)
