;; imports.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Imports (WIT):
;;   import demo:host/logger@0.1.0;     // interface logger { log: func(level: u8, msg: string); }
;;   import get-number: func() -> u32;
;; Exports (WIT):
;;   export run: func(msg: string) -> u32;
;;
;; run(msg) calls logger.log(2, msg) and then returns get-number() + 1 (wrapping).
;;
;; The memory and realloc live in a separate "libc" core module that is instantiated
;; first, so the `canon lower` of the imported `log` can name that memory before the
;; main module (which imports the lowered functions) is instantiated.
(component
  (type $logger-type (instance
    (export "log" (func (param "level" u8) (param "msg" string)))))
  (import "demo:host/logger@0.1.0" (instance $logger (type $logger-type)))
  (import "get-number" (func $get-number (result u32)))
  (alias export $logger "log" (func $log))

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

  (core func $log-lowered
    (canon lower (func $log) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $get-number-lowered (canon lower (func $get-number)))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "host" "log" (func $log (param i32 i32 i32)))
    (import "host" "get-number" (func $get-number (result i32)))
    (func (export "run") (param $msg-ptr i32) (param $msg-len i32) (result i32)
      (call $log (i32.const 2) (local.get $msg-ptr) (local.get $msg-len))
      (i32.add (call $get-number) (i32.const 1)))
  )
  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "host" (instance
      (export "log" (func $log-lowered))
      (export "get-number" (func $get-number-lowered))))))

  (func $run (param "msg" string) (result u32)
    (canon lift (core func $main "run") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (export "run" (func $run))
)
