;; wasi-files.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Imports (WIT, the subset of WASI 0.2.3 this component uses):
;;
;;   package wasi:filesystem@0.2.3;
;;
;;   interface types {
;;     type filesize = u64;
;;     flags descriptor-flags {
;;       read, write, file-integrity-sync, data-integrity-sync, requested-write-sync,
;;       mutate-directory,
;;     }
;;     flags path-flags { symlink-follow }
;;     flags open-flags { create, directory, exclusive, truncate }
;;     enum error-code {
;;       access, would-block, already, bad-descriptor, busy, deadlock, quota, exist,
;;       file-too-large, illegal-byte-sequence, in-progress, interrupted, invalid, io,
;;       is-directory, loop, too-many-links, message-size, name-too-long, no-device,
;;       no-entry, no-lock, insufficient-memory, insufficient-space, not-directory,
;;       not-empty, not-recoverable, unsupported, no-tty, no-such-device, overflow,
;;       not-permitted, pipe, read-only, invalid-seek, text-file-busy, cross-device,
;;     }
;;     resource descriptor {
;;       read: func(length: filesize, offset: filesize) -> result<tuple<list<u8>, bool>, error-code>;
;;       write: func(buffer: list<u8>, offset: filesize) -> result<filesize, error-code>;
;;       open-at: func(path-flags: path-flags, path: string, open-flags: open-flags,
;;                     %flags: descriptor-flags) -> result<descriptor, error-code>;
;;     }
;;   }
;;
;;   interface preopens {
;;     use types.{descriptor};
;;     get-directories: func() -> list<tuple<descriptor, string>>;
;;   }
;;
;;   world wasi-files {
;;     import wasi:filesystem/types@0.2.3;
;;     import wasi:filesystem/preopens@0.2.3;
;;     export read-file: func(path: string) -> result<string, string>;
;;     export write-file: func(path: string, contents: string) -> result<_, string>;
;;   }
;;
;; The case lists of the flags and the enum are WASI 0.2.3's, in WASI's order: a
;; function signature that mentions them is checked structurally against Wasmtime's
;; implementation when linking. The imported instance types list only what this
;; component uses; Wasmtime's WASI linker provides the rest of each interface.
;;
;; Behaviour. Both exports call get-directories, open `path` relative to the FIRST
;; preopened directory (path-flags: symlink-follow), then drop every descriptor the
;; list gave them (the list's descriptors are owned handles) and, after the I/O, the
;; opened file's descriptor.
;;   read-file   opens with descriptor-flags {read} and open-flags {}; reads from offset
;;               0 until end of file or 64 KiB in total (repeating `read` after a short
;;               one), and returns the bytes as a string (they must be UTF-8, or lifting
;;               the result traps).
;;   write-file  opens with descriptor-flags {write} and open-flags {create, truncate};
;;               writes the contents at offset 0 (repeating `write` after a short one;
;;               an empty string writes nothing but still creates/truncates the file).
;; Errors: err("no preopens") when there is no preopened directory; otherwise the
;; error-code's case name, e.g. err("no-entry") for a missing file. A `write` that
;; reports 0 bytes written for a non-empty rest gives err("io").
;;
;; Canonical ABI notes (offsets in bytes):
;;   get-directories   (ret) -> (); ret: elements-ptr@0 len@4;
;;                     element tuple<own<descriptor>, string>: size 12: handle@0 ptr@4 len@8
;;   open-at           (self, path-flags, path-ptr, path-len, open-flags, descriptor-flags, ret) -> ();
;;                     result<own<descriptor>, error-code>: disc u8@0, handle | code u8 @4
;;   read              (self, length i64, offset i64, ret) -> ();
;;                     result<tuple<list<u8>, bool>, error-code>: size 16:
;;                     disc u8@0, ok: ptr@4 len@8 eof u8@12 | err: code u8@4
;;   write             (self, ptr, len, offset i64, ret) -> ();
;;                     result<filesize, error-code>: size 16 align 8: disc u8@0, ok u64@8 | err u8@8
;;   self is a borrow<descriptor>; the guest passes a handle it owns.
;;   read-file         (ptr, len) -> ptr to result<string, string>: disc u8@0 ptr@4 len@8
;;   write-file        (ptr, len, ptr, len) -> ptr to result<_, string>: disc u8@0 ptr@4 len@8
;;
;; Memory map: lowered-call return areas at 16 (get-directories), 32 (open-at) and
;; 48 (read/write, 8-aligned); the export return area at 64; "no preopens" at 1024;
;; the error-code names at 2048 + 32 * case index, each NUL-padded to 32 bytes (the
;; longest, "illegal-byte-sequence", has 21); the heap from 4096.
(component $root
  (type $types-type (instance
    (type $filesize-def u64)
    (export "filesize" (type $filesize (eq $filesize-def)))
    (type $descriptor-flags-def (flags
      "read" "write" "file-integrity-sync" "data-integrity-sync" "requested-write-sync"
      "mutate-directory"))
    (export "descriptor-flags" (type $descriptor-flags (eq $descriptor-flags-def)))
    (type $path-flags-def (flags "symlink-follow"))
    (export "path-flags" (type $path-flags (eq $path-flags-def)))
    (type $open-flags-def (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $open-flags (eq $open-flags-def)))
    (type $error-code-def (enum
      "access" "would-block" "already" "bad-descriptor" "busy" "deadlock" "quota" "exist"
      "file-too-large" "illegal-byte-sequence" "in-progress" "interrupted" "invalid" "io"
      "is-directory" "loop" "too-many-links" "message-size" "name-too-long" "no-device"
      "no-entry" "no-lock" "insufficient-memory" "insufficient-space" "not-directory"
      "not-empty" "not-recoverable" "unsupported" "no-tty" "no-such-device" "overflow"
      "not-permitted" "pipe" "read-only" "invalid-seek" "text-file-busy" "cross-device"))
    (export "error-code" (type $error-code (eq $error-code-def)))
    (export "descriptor" (type $descriptor (sub resource)))
    (export "[method]descriptor.read"
      (func (param "self" (borrow $descriptor)) (param "length" $filesize) (param "offset" $filesize)
            (result (result (tuple (list u8) bool) (error $error-code)))))
    (export "[method]descriptor.write"
      (func (param "self" (borrow $descriptor)) (param "buffer" (list u8)) (param "offset" $filesize)
            (result (result $filesize (error $error-code)))))
    (export "[method]descriptor.open-at"
      (func (param "self" (borrow $descriptor)) (param "path-flags" $path-flags) (param "path" string)
            (param "open-flags" $open-flags) (param "flags" $descriptor-flags)
            (result (result (own $descriptor) (error $error-code)))))))
  (import "wasi:filesystem/types@0.2.3" (instance $types (type $types-type)))
  (alias export $types "descriptor" (type $descriptor))
  (alias export $types "[method]descriptor.read" (func $read))
  (alias export $types "[method]descriptor.write" (func $write))
  (alias export $types "[method]descriptor.open-at" (func $open-at))

  (type $preopens-type (instance
    (alias outer $root $descriptor (type $descriptor-outer))
    (export "descriptor" (type $descriptor-local (eq $descriptor-outer)))
    (export "get-directories"
      (func (result (list (tuple (own $descriptor-local) string)))))))
  (import "wasi:filesystem/preopens@0.2.3" (instance $preopens (type $preopens-type)))
  (alias export $preopens "get-directories" (func $get-directories))

  (core module $libc
    (memory (export "memory") 1)
    (data (i32.const 1024) "no preopens")
    ;; error-code case names, one per 32-byte slot, in the enum's order.
    (data (i32.const 2048) "access")
    (data (i32.const 2080) "would-block")
    (data (i32.const 2112) "already")
    (data (i32.const 2144) "bad-descriptor")
    (data (i32.const 2176) "busy")
    (data (i32.const 2208) "deadlock")
    (data (i32.const 2240) "quota")
    (data (i32.const 2272) "exist")
    (data (i32.const 2304) "file-too-large")
    (data (i32.const 2336) "illegal-byte-sequence")
    (data (i32.const 2368) "in-progress")
    (data (i32.const 2400) "interrupted")
    (data (i32.const 2432) "invalid")
    (data (i32.const 2464) "io")
    (data (i32.const 2496) "is-directory")
    (data (i32.const 2528) "loop")
    (data (i32.const 2560) "too-many-links")
    (data (i32.const 2592) "message-size")
    (data (i32.const 2624) "name-too-long")
    (data (i32.const 2656) "no-device")
    (data (i32.const 2688) "no-entry")
    (data (i32.const 2720) "no-lock")
    (data (i32.const 2752) "insufficient-memory")
    (data (i32.const 2784) "insufficient-space")
    (data (i32.const 2816) "not-directory")
    (data (i32.const 2848) "not-empty")
    (data (i32.const 2880) "not-recoverable")
    (data (i32.const 2912) "unsupported")
    (data (i32.const 2944) "no-tty")
    (data (i32.const 2976) "no-such-device")
    (data (i32.const 3008) "overflow")
    (data (i32.const 3040) "not-permitted")
    (data (i32.const 3072) "pipe")
    (data (i32.const 3104) "read-only")
    (data (i32.const 3136) "invalid-seek")
    (data (i32.const 3168) "text-file-busy")
    (data (i32.const 3200) "cross-device")
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

  (core func $get-directories-lowered
    (canon lower (func $get-directories) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $open-at-lowered
    (canon lower (func $open-at) (memory $mem) string-encoding=utf8))
  (core func $read-lowered
    (canon lower (func $read) (memory $mem) (realloc $realloc)))
  (core func $write-lowered
    (canon lower (func $write) (memory $mem)))
  (core func $descriptor-drop (canon resource.drop $descriptor))

  (core module $main
    (import "libc" "memory" (memory 1))
    (import "libc" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "wasi" "get-directories" (func $get-directories (param i32)))
    (import "wasi" "open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
    (import "wasi" "read" (func $read (param i32 i64 i64 i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i64 i32)))
    (import "wasi" "drop-descriptor" (func $drop (param i32)))

    (global $dirs-ret i32 (i32.const 16))
    (global $open-ret i32 (i32.const 32))
    (global $io-ret i32 (i32.const 48))
    (global $ret i32 (i32.const 64))

    ;; err(string) into the export return area.
    (func $err-string (param $ptr i32) (param $len i32) (result i32)
      (i32.store offset=0 (global.get $ret) (i32.const 1))
      (i32.store offset=4 (global.get $ret) (local.get $ptr))
      (i32.store offset=8 (global.get $ret) (local.get $len))
      (global.get $ret))

    ;; err(<case name of error-code $code>) into the export return area.
    (func $err-code (param $code i32) (result i32)
      (local $ptr i32) (local $len i32)
      (local.set $ptr (i32.add (i32.const 2048) (i32.shl (local.get $code) (i32.const 5))))
      (block $done
        (loop $scan
          (br_if $done (i32.ge_u (local.get $len) (i32.const 32)))
          (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $ptr) (local.get $len)))))
          (local.set $len (i32.add (local.get $len) (i32.const 1)))
          (br $scan)))
      (call $err-string (local.get $ptr) (local.get $len)))

    ;; Opens path relative to the first preopened directory and drops every
    ;; descriptor get-directories returned. Returns the opened file's (own) handle,
    ;; or 0 (never a valid handle) after writing the err into the export return area.
    (func $open (param $path i32) (param $path-len i32) (param $open-flags i32) (param $flags i32)
      (result i32)
      (local $list i32) (local $count i32) (local $p i32) (local $i i32)
      (call $get-directories (global.get $dirs-ret))
      (local.set $list (i32.load offset=0 (global.get $dirs-ret)))
      (local.set $count (i32.load offset=4 (global.get $dirs-ret)))
      (if (i32.eqz (local.get $count))
        (then
          (drop (call $err-string (i32.const 1024) (i32.const 11)))
          (return (i32.const 0))))
      (call $open-at
        (i32.load (local.get $list))          ;; the first directory's handle
        (i32.const 1)                         ;; path-flags {symlink-follow}
        (local.get $path) (local.get $path-len)
        (local.get $open-flags) (local.get $flags)
        (global.get $open-ret))
      ;; Drop every directory handle (ignoring the names).
      (local.set $p (local.get $list))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          (call $drop (i32.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (i32.const 12)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (if (i32.load8_u offset=0 (global.get $open-ret))
        (then
          (drop (call $err-code (i32.load8_u offset=4 (global.get $open-ret))))
          (return (i32.const 0))))
      (i32.load offset=4 (global.get $open-ret)))

    (func (export "read-file") (param $path i32) (param $path-len i32) (result i32)
      (local $file i32) (local $buf i32) (local $total i32) (local $n i32)
      (local.set $file
        (call $open (local.get $path) (local.get $path-len)
          (i32.const 0)                       ;; open-flags {}
          (i32.const 1)))                     ;; descriptor-flags {read}
      (if (i32.eqz (local.get $file)) (then (return (global.get $ret))))
      (local.set $buf (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 65536)))
      (block $done
        (loop $more
          (call $read (local.get $file)
            (i64.extend_i32_u (i32.sub (i32.const 65536) (local.get $total)))
            (i64.extend_i32_u (local.get $total))
            (global.get $io-ret))
          (if (i32.load8_u offset=0 (global.get $io-ret))
            (then
              (call $drop (local.get $file))
              (return (call $err-code (i32.load8_u offset=4 (global.get $io-ret))))))
          (local.set $n (i32.load offset=8 (global.get $io-ret)))
          (memory.copy
            (i32.add (local.get $buf) (local.get $total))
            (i32.load offset=4 (global.get $io-ret))
            (local.get $n))
          (local.set $total (i32.add (local.get $total) (local.get $n)))
          (br_if $done (i32.load8_u offset=12 (global.get $io-ret)))   ;; end of file
          (br_if $done (i32.eqz (local.get $n)))
          (br_if $done (i32.ge_u (local.get $total) (i32.const 65536)))
          (br $more)))
      (call $drop (local.get $file))
      (i32.store offset=0 (global.get $ret) (i32.const 0))
      (i32.store offset=4 (global.get $ret) (local.get $buf))
      (i32.store offset=8 (global.get $ret) (local.get $total))
      (global.get $ret))

    (func (export "write-file")
      (param $path i32) (param $path-len i32) (param $data i32) (param $data-len i32) (result i32)
      (local $file i32) (local $written i32) (local $n i32)
      (local.set $file
        (call $open (local.get $path) (local.get $path-len)
          (i32.const 9)                       ;; open-flags {create, truncate}
          (i32.const 2)))                     ;; descriptor-flags {write}
      (if (i32.eqz (local.get $file)) (then (return (global.get $ret))))
      (block $done
        (loop $more
          (br_if $done (i32.ge_u (local.get $written) (local.get $data-len)))
          (call $write (local.get $file)
            (i32.add (local.get $data) (local.get $written))
            (i32.sub (local.get $data-len) (local.get $written))
            (i64.extend_i32_u (local.get $written))
            (global.get $io-ret))
          (if (i32.load8_u offset=0 (global.get $io-ret))
            (then
              (call $drop (local.get $file))
              (return (call $err-code (i32.load8_u offset=8 (global.get $io-ret))))))
          (local.set $n (i32.wrap_i64 (i64.load offset=8 (global.get $io-ret))))
          (if (i32.eqz (local.get $n))
            (then
              (call $drop (local.get $file))
              (return (call $err-code (i32.const 13)))))      ;; "io"
          (local.set $written (i32.add (local.get $written) (local.get $n)))
          (br $more)))
      (call $drop (local.get $file))
      (i32.store offset=0 (global.get $ret) (i32.const 0))
      (global.get $ret))
  )
  (core instance $main (instantiate $main
    (with "libc" (instance $libc))
    (with "wasi" (instance
      (export "get-directories" (func $get-directories-lowered))
      (export "open-at" (func $open-at-lowered))
      (export "read" (func $read-lowered))
      (export "write" (func $write-lowered))
      (export "drop-descriptor" (func $descriptor-drop))))))

  (func $read-file (param "path" string) (result (result string (error string)))
    (canon lift (core func $main "read-file") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $write-file (param "path" string) (param "contents" string) (result (result (error string)))
    (canon lift (core func $main "write-file") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (export "read-file" (func $read-file))
  (export "write-file" (func $write-file))
)
