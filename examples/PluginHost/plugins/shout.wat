;; shout.wat -- the WAT plugin of the PluginHost example, in component-model WAT (the host loads .wat as it is).
;;
;; It targets ../wit/plugin.wit (world acme:plugins/text-plugin@1.0.0):
;;   import acme:plugins/host@1.0.0;      // log: func(level: u8, message: string)
;;   export acme:plugins/plugin@1.0.0;    // name: func() -> string
;;                                        // transform: func(input: string) -> result<string, string>
;;
;; transform(input) returns the input in ASCII upper case, after logging its length through the host. A few inputs
;; misbehave on purpose, to show what the host's limits do:
;;   ""        -> err("empty input")
;;   "!hog"    -> asks for 256 MiB more memory; the host's limit makes memory.grow return -1 -> err(...)
;;   "!spin"   -> loops forever; the host's call timeout interrupts it
;;   "!crash"  -> executes `unreachable`: a trap
(component
  (type $host-type (instance
    (export "log" (func (param "level" u8) (param "message" string)))))
  (import "acme:plugins/host@1.0.0" (instance $host (type $host-type)))
  (alias export $host "log" (func $log))

  ;; Linear memory and a bump allocator, instantiated first so `canon lower` can name them.
  (core module $libc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
      (local $ptr i32) (local $end i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
      (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1))) (i32.const -1))
            (then unreachable))))
      (global.set $heap (local.get $end))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $log-lowered (canon lower (func $log) (memory $mem) (realloc $realloc) string-encoding=utf8))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "libc" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "host" "log" (func $log (param i32 i32 i32)))

    ;; Constant strings (address, length): the plugin's name, the commands, the messages.
    (data (i32.const 256) "shout (WAT)")                                   ;; 256, 11
    (data (i32.const 288) "!hog")                                          ;; 288, 4
    (data (i32.const 296) "!spin")                                         ;; 296, 5
    (data (i32.const 304) "!crash")                                        ;; 304, 6
    (data (i32.const 320) "empty input")                                   ;; 320, 11
    (data (i32.const 336) "the host refused 256 MiB more memory")          ;; 336, 36
    (data (i32.const 384) "got 256 MiB more memory")                       ;; 384, 23
    (data (i32.const 416) "shouting a text")                               ;; 416, 15

    ;; Is the string (p, n) the same bytes as (q, m)?
    (func $eq (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
      (local $i i32)
      (if (i32.ne (local.get $n) (local.get $m)) (then (return (i32.const 0))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.load8_u (i32.add (local.get $q) (local.get $i))))
            (then (return (i32.const 0))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.const 1))

    ;; The return area at address 16: result<string, string> = discriminant (u8) at +0, string (ptr, len) at +4, +8.
    (func $answer (param $case i32) (param $p i32) (param $n i32) (result i32)
      (i32.store8 (i32.const 16) (local.get $case))
      (i32.store (i32.const 20) (local.get $p))
      (i32.store (i32.const 24) (local.get $n))
      (i32.const 16))

    ;; name() -> string: (ptr, len) at the return area at address 32.
    (func (export "name") (result i32)
      (i32.store (i32.const 32) (i32.const 256))
      (i32.store (i32.const 36) (i32.const 11))
      (i32.const 32))

    (func (export "transform") (param $p i32) (param $n i32) (result i32)
      (local $out i32) (local $i i32) (local $c i32)
      (if (i32.eqz (local.get $n))
        (then (return (call $answer (i32.const 1) (i32.const 320) (i32.const 11)))))
      (if (call $eq (local.get $p) (local.get $n) (i32.const 288) (i32.const 4))
        (then
          ;; 4096 pages of 64 KiB = 256 MiB
          (if (i32.eq (memory.grow (i32.const 4096)) (i32.const -1))
            (then (return (call $answer (i32.const 1) (i32.const 336) (i32.const 36)))))
          (return (call $answer (i32.const 0) (i32.const 384) (i32.const 23)))))
      (if (call $eq (local.get $p) (local.get $n) (i32.const 296) (i32.const 5))
        (then (loop $forever (br $forever))))
      (if (call $eq (local.get $p) (local.get $n) (i32.const 304) (i32.const 6))
        (then unreachable))
      (call $log (i32.const 1) (i32.const 416) (i32.const 15))
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
            (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
          (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (call $answer (i32.const 0) (local.get $out) (local.get $n))))

  (core instance $hostfns (export "log" (func $log-lowered)))
  (core instance $m (instantiate $main (with "libc" (instance $libc)) (with "host" (instance $hostfns))))

  (func $name (result string)
    (canon lift (core func $m "name") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $transform (param "input" string) (result (result string (error string)))
    (canon lift (core func $m "transform") (memory $mem) (realloc $realloc) string-encoding=utf8))

  ;; The interface is a small component that re-exports the functions under their WIT names.
  (component $plugin
    (import "import-func-name" (func $n (result string)))
    (import "import-func-transform" (func $t (param "input" string) (result (result string (error string)))))
    (export "name" (func $n))
    (export "transform" (func $t)))
  (instance $exported (instantiate $plugin
    (with "import-func-name" (func $name))
    (with "import-func-transform" (func $transform))))
  (export "acme:plugins/plugin@1.0.0" (instance $exported))
)
