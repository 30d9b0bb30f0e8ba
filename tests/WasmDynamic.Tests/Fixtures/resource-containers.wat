;; resource-containers.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Resources of the component's own inside records, options and lists, in both
;; directions. Exports (WIT):
;;
;;   package demo:res;
;;
;;   interface boxes {
;;     resource counter {
;;       constructor(start: u32);
;;       get: func() -> u32;
;;     }
;;     record holder { name: string, item: counter }
;;
;;     wrap: func(name: string, c: counter) -> holder;        // holder { name, item: c }
;;     unwrap: func(h: holder) -> counter;                    // h.item (the name is discarded)
;;     maybe: func(c: option<counter>) -> option<counter>;    // returns what it got
;;     sum: func(cs: list<borrow<counter>>) -> u32;           // sum of the counts (wrapping)
;;     make-many: func(n: u32) -> list<counter>;              // counters with counts 0, 1, ..., n-1
;;   }
;;
;;   world fixture {
;;     export boxes;                     // instance name "demo:res/boxes"
;;     export drops: func() -> u32;      // how many counters have been destroyed so far
;;   }
;;
;; Ownership: wrap, unwrap and maybe hand the very handle they received back to the
;; caller (an own handle received by an export sits in this component's handle table;
;; returning it as an own result moves it out again), so none of them destroys a
;; counter. sum only borrows. Every counter is destroyed exactly once, when the last
;; owner (in practice the host) drops its handle; the destructor counts those drops.
;;
;; Representation: as in resources.wat, the rep of a counter (an i32) is an index
;; 1..4095 into a table of u32 counts at address 8192 + 4 * rep; reps of destroyed
;; counters go onto a free list and are reused; more than 4095 live counters traps.
;;
;; Canonical ABI notes (this component lifts everything; offsets in bytes):
;;   own<counter> argument/result  i32 handle in this component's table
;;   borrow<counter> of the component's own resource: the core code receives the rep
;;     itself, also for the elements of list<borrow<counter>> (size 4 each).
;;   wrap      (name-ptr, name-len, c) -> ptr to holder: name ptr@0 len@4, item@8
;;   unwrap    (name-ptr, name-len, item) -> i32 handle
;;   maybe     (disc, handle) -> ptr to option<counter>: disc u8@0, handle@4
;;   sum       (list-ptr, list-len) -> i32
;;   make-many (n) -> ptr to list: elements-ptr@0, len@4; elements are own handles
;;   The return area is a fixed 16-byte block at address 64 (valid until the next call).
(component
  (core module $state
    (memory (export "memory") 1)
    (global $ret i32 (i32.const 64))           ;; 16-byte return area
    (global $table i32 (i32.const 8192))       ;; u32 counts, indexed by rep
    (global $next-rep (mut i32) (i32.const 1))     ;; next never-used rep
    (global $free-head (mut i32) (i32.const 0))    ;; free list of destroyed reps, 0 = empty
    (global $drops (mut i32) (i32.const 0))
    ;; Bump allocator. Never frees; grows memory on demand.
    (global $heap (mut i32) (i32.const 32768))
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

    (func (export "ret-area") (result i32) (global.get $ret))

    (func $slot (param $rep i32) (result i32)
      (i32.add (global.get $table) (i32.shl (local.get $rep) (i32.const 2))))

    ;; Allocate a rep whose count starts at $start: reuse a destroyed counter's rep
    ;; from the free list if there is one, else take the next unused index.
    (func (export "alloc") (param $start i32) (result i32)
      (local $rep i32)
      (if (global.get $free-head)
        (then
          (local.set $rep (global.get $free-head))
          (global.set $free-head (i32.load (call $slot (local.get $rep)))))
        (else
          (local.set $rep (global.get $next-rep))
          (if (i32.ge_u (local.get $rep) (i32.const 4096)) (then unreachable))
          (global.set $next-rep (i32.add (local.get $rep) (i32.const 1)))))
      (i32.store (call $slot (local.get $rep)) (local.get $start))
      (local.get $rep))

    (func $get (export "get") (param $rep i32) (result i32)
      (i32.load (call $slot (local.get $rep))))

    ;; Resource destructor: called with the rep when the last owning handle is
    ;; dropped. The rep goes onto the free list (its table slot holds the link).
    (func (export "dtor") (param $rep i32)
      (i32.store (call $slot (local.get $rep)) (global.get $free-head))
      (global.set $free-head (local.get $rep))
      (global.set $drops (i32.add (global.get $drops) (i32.const 1))))

    (func (export "drops") (result i32) (global.get $drops))

    ;; wrap: the holder is (name-ptr, name-len, item) at offsets 0, 4, 8. The name
    ;; string stays where the host's realloc put it; the handle goes back out as is.
    (func (export "wrap") (param $name-ptr i32) (param $name-len i32) (param $c i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $name-ptr))
      (i32.store offset=4 (global.get $ret) (local.get $name-len))
      (i32.store offset=8 (global.get $ret) (local.get $c))
      (global.get $ret))

    ;; unwrap: the flattened holder is (name-ptr, name-len, item); return the item.
    (func (export "unwrap") (param $name-ptr i32) (param $name-len i32) (param $item i32) (result i32)
      (local.get $item))

    ;; maybe: option<own<counter>> flattens to (disc, handle); its memory form is a
    ;; u8 discriminant at 0 and the handle at 4. A `none` carries a zero handle
    ;; that is never read, so storing it as is is fine. Storing the discriminant as
    ;; a whole i32 zeroes the padding bytes.
    (func (export "maybe") (param $disc i32) (param $handle i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $disc))
      (i32.store offset=4 (global.get $ret) (local.get $handle))
      (global.get $ret))

    ;; sum: the list elements are reps (borrows of this component's own resource).
    (func (export "sum") (param $ptr i32) (param $len i32) (result i32)
      (local $total i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $total
            (i32.add (local.get $total) (call $get (i32.load (local.get $ptr)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (br $next)))
      (local.get $total))
  )
  (core instance $state (instantiate $state))
  (alias core export $state "memory" (core memory $mem))
  (alias core export $state "realloc" (core func $realloc))
  (alias core export $state "dtor" (core func $counter-dtor))

  (type $counter (resource (rep i32) (dtor (core func $counter-dtor))))
  (core func $counter-new (canon resource.new $counter))

  ;; Functions that create handles need resource.new, which needs the resource type,
  ;; which needs the destructor: hence this second module.
  (core module $glue
    (import "state" "memory" (memory 1))
    (import "state" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "state" "ret-area" (func $ret-area (result i32)))
    (import "state" "alloc" (func $alloc (param i32) (result i32)))
    (import "resource" "new" (func $new (param i32) (result i32)))

    (func (export "constructor") (param $start i32) (result i32)
      (call $new (call $alloc (local.get $start))))

    ;; list<own<counter>>: n i32 handles in a fresh block, then (ptr, len) in the
    ;; return area. n = 0 gives an empty list (the pointer is then never read).
    (func (export "make-many") (param $n i32) (result i32)
      (local $elems i32) (local $i i32) (local $ret i32)
      (if (i32.gt_u (local.get $n) (i32.const 4095)) (then unreachable))
      (local.set $elems
        (call $realloc (i32.const 0) (i32.const 0) (i32.const 4)
          (i32.shl (local.get $n) (i32.const 2))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (i32.store
            (i32.add (local.get $elems) (i32.shl (local.get $i) (i32.const 2)))
            (call $new (call $alloc (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.set $ret (call $ret-area))
      (i32.store offset=0 (local.get $ret) (local.get $elems))
      (i32.store offset=4 (local.get $ret) (local.get $n))
      (local.get $ret))
  )
  (core instance $glue (instantiate $glue
    (with "state" (instance $state))
    (with "resource" (instance
      (export "new" (func $counter-new))))))

  (type $holder (record (field "name" string) (field "item" (own $counter))))

  (func $constructor (param "start" u32) (result (own $counter))
    (canon lift (core func $glue "constructor")))
  (func $get (param "self" (borrow $counter)) (result u32)
    (canon lift (core func $state "get")))
  (func $wrap (param "name" string) (param "c" (own $counter)) (result $holder)
    (canon lift (core func $state "wrap") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $unwrap (param "h" $holder) (result (own $counter))
    (canon lift (core func $state "unwrap") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $maybe (param "c" (option (own $counter))) (result (option (own $counter)))
    (canon lift (core func $state "maybe") (memory $mem) (realloc $realloc)))
  (func $sum (param "cs" (list (borrow $counter))) (result u32)
    (canon lift (core func $state "sum") (memory $mem) (realloc $realloc)))
  (func $make-many (param "n" u32) (result (list (own $counter)))
    (canon lift (core func $glue "make-many") (memory $mem) (realloc $realloc)))
  (func $drops (result u32)
    (canon lift (core func $state "drops")))

  ;; Interface shim in the wit-component style: import the resource type, the record
  ;; type and the functions, re-export them under their WIT names with the exported
  ;; types, so `holder` and `counter` keep their names in the exported instance.
  (component $boxes-shim
    (import "import-type-counter" (type $counter (sub resource)))
    (type $holder-def (record (field "name" string) (field "item" (own $counter))))
    (import "import-type-holder" (type $holder (eq $holder-def)))
    (import "import-constructor-counter"
      (func $constructor (param "start" u32) (result (own $counter))))
    (import "import-method-counter-get"
      (func $get (param "self" (borrow $counter)) (result u32)))
    (import "import-func-wrap"
      (func $wrap (param "name" string) (param "c" (own $counter)) (result $holder)))
    (import "import-func-unwrap"
      (func $unwrap (param "h" $holder) (result (own $counter))))
    (import "import-func-maybe"
      (func $maybe (param "c" (option (own $counter))) (result (option (own $counter)))))
    (import "import-func-sum"
      (func $sum (param "cs" (list (borrow $counter))) (result u32)))
    (import "import-func-make-many"
      (func $make-many (param "n" u32) (result (list (own $counter)))))

    (export $e-counter "counter" (type $counter))
    (type $e-holder-def (record (field "name" string) (field "item" (own $e-counter))))
    (export $e-holder "holder" (type $e-holder-def))
    (export "[constructor]counter" (func $constructor)
      (func (param "start" u32) (result (own $e-counter))))
    (export "[method]counter.get" (func $get)
      (func (param "self" (borrow $e-counter)) (result u32)))
    (export "wrap" (func $wrap)
      (func (param "name" string) (param "c" (own $e-counter)) (result $e-holder)))
    (export "unwrap" (func $unwrap)
      (func (param "h" $e-holder) (result (own $e-counter))))
    (export "maybe" (func $maybe)
      (func (param "c" (option (own $e-counter))) (result (option (own $e-counter)))))
    (export "sum" (func $sum)
      (func (param "cs" (list (borrow $e-counter))) (result u32)))
    (export "make-many" (func $make-many)
      (func (param "n" u32) (result (list (own $e-counter)))))
  )
  (instance $boxes (instantiate $boxes-shim
    (with "import-type-counter" (type $counter))
    (with "import-type-holder" (type $holder))
    (with "import-constructor-counter" (func $constructor))
    (with "import-method-counter-get" (func $get))
    (with "import-func-wrap" (func $wrap))
    (with "import-func-unwrap" (func $unwrap))
    (with "import-func-maybe" (func $maybe))
    (with "import-func-sum" (func $sum))
    (with "import-func-make-many" (func $make-many))))

  (export "demo:res/boxes" (instance $boxes))
  (export "drops" (func $drops))
)
