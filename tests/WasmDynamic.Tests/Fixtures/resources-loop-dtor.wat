;; resources-loop-dtor.wat -- resources.wat whose destructor never returns for a counter holding 999
;; (a runaway guest destructor: the call timeout and cancellation must stop it as they stop a call).
;;
;; (resources.wat's description follows.)
;;
;; Exports (WIT):
;;
;;   package demo:res;
;;
;;   interface counters {
;;     resource counter {
;;       constructor(start: u32);
;;       increment: func() -> u32;                              // count += 1, returns new count
;;       get: func() -> u32;
;;       make-pair: static func(a: u32, b: u32) -> tuple<counter, counter>;
;;       merge: static func(a: counter, b: counter) -> counter; // consumes (drops) a and b,
;;     }                                                        // returns counter(a + b)
;;   }
;;
;;   world fixture {
;;     export counters;                  // instance name "demo:res/counters"
;;     export drops: func() -> u32;      // how many counters have been destroyed so far
;;   }
;;
;; The representation of a counter (rep, an i32) is an index 1..4095 into a table of
;; u32 counts in linear memory at address 8192 + 4 * rep. Reps of destroyed counters
;; are reused; having more than 4095 counters alive at once traps. The resource
;; destructor increments a global drop count, so `drops` observes both host-side drops
;; of an owned handle and `merge` consuming its arguments (which it does with
;; resource.rep + resource.drop).
;;
;; Borrowed `self` handles of a resource defined by this component reach the core
;; code as the rep itself, so increment/get need no resource.rep.
(component
  (core module $state
    (memory (export "memory") 1)
    (global $ret i32 (i32.const 64))           ;; 8-byte return area (make-pair)
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

    (func $slot (param $rep i32) (result i32)
      (i32.add (global.get $table) (i32.shl (local.get $rep) (i32.const 2))))

    (func (export "increment") (param $rep i32) (result i32)
      (local $n i32)
      (local.set $n (i32.add (i32.load (call $slot (local.get $rep))) (i32.const 1)))
      (i32.store (call $slot (local.get $rep)) (local.get $n))
      (local.get $n))

    (func (export "get") (param $rep i32) (result i32)
      (i32.load (call $slot (local.get $rep))))

    ;; Resource destructor: called with the rep when the owning handle is dropped.
    ;; The rep goes onto the free list (its table slot holds the link).
    (func (export "dtor") (param $rep i32)
      (if (i32.eq (i32.load (call $slot (local.get $rep))) (i32.const 999)) (then (loop $spin (br $spin))))
      (i32.store (call $slot (local.get $rep)) (global.get $free-head))
      (global.set $free-head (local.get $rep))
      (global.set $drops (i32.add (global.get $drops) (i32.const 1))))

    (func (export "drops") (result i32) (global.get $drops))
  )
  (core instance $state (instantiate $state))
  (alias core export $state "memory" (core memory $mem))
  (alias core export $state "realloc" (core func $realloc))
  (alias core export $state "dtor" (core func $counter-dtor))

  (type $counter (resource (rep i32) (dtor (core func $counter-dtor))))
  (core func $counter-new (canon resource.new $counter))
  (core func $counter-rep (canon resource.rep $counter))
  (core func $counter-drop (canon resource.drop $counter))

  ;; Functions that create or consume handles need the resource.* built-ins, which
  ;; need the resource type, which needs the destructor: hence this second module.
  (core module $glue
    (import "state" "memory" (memory 1))
    (import "state" "ret-area" (func $ret-area (result i32)))
    (import "state" "alloc" (func $alloc (param i32) (result i32)))
    (import "state" "get" (func $get (param i32) (result i32)))
    (import "resource" "new" (func $new (param i32) (result i32)))
    (import "resource" "rep" (func $rep (param i32) (result i32)))
    (import "resource" "drop" (func $drop (param i32)))

    (func (export "constructor") (param $start i32) (result i32)
      (call $new (call $alloc (local.get $start))))

    ;; tuple<own<counter>, own<counter>> is two i32 handles at offsets 0 and 4.
    (func (export "make-pair") (param $a i32) (param $b i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $ret-area))
      (i32.store offset=0 (local.get $ret) (call $new (call $alloc (local.get $a))))
      (i32.store offset=4 (local.get $ret) (call $new (call $alloc (local.get $b))))
      (local.get $ret))

    ;; Takes ownership of two handles, reads their counts, drops both (running the
    ;; destructor twice) and returns a new counter holding the sum.
    (func (export "merge") (param $a i32) (param $b i32) (result i32)
      (local $total i32)
      (local.set $total
        (i32.add
          (call $get (call $rep (local.get $a)))
          (call $get (call $rep (local.get $b)))))
      (call $drop (local.get $a))
      (call $drop (local.get $b))
      (call $new (call $alloc (local.get $total))))
  )
  (core instance $glue (instantiate $glue
    (with "state" (instance $state))
    (with "resource" (instance
      (export "new" (func $counter-new))
      (export "rep" (func $counter-rep))
      (export "drop" (func $counter-drop))))))

  (func $constructor (param "start" u32) (result (own $counter))
    (canon lift (core func $glue "constructor")))
  (func $increment (param "self" (borrow $counter)) (result u32)
    (canon lift (core func $state "increment")))
  (func $get (param "self" (borrow $counter)) (result u32)
    (canon lift (core func $state "get")))
  (func $make-pair (param "a" u32) (param "b" u32) (result (tuple (own $counter) (own $counter)))
    (canon lift (core func $glue "make-pair") (memory $mem) (realloc $realloc)))
  (func $merge (param "a" (own $counter)) (param "b" (own $counter)) (result (own $counter))
    (canon lift (core func $glue "merge")))
  (func $drops (result u32)
    (canon lift (core func $state "drops")))

  ;; Interface shim in the wit-component style: import the resource type and the
  ;; functions, re-export them under their WIT names.
  (component $counters-shim
    (import "import-type-counter" (type $counter (sub resource)))
    (import "import-constructor-counter"
      (func $constructor (param "start" u32) (result (own $counter))))
    (import "import-method-counter-increment"
      (func $increment (param "self" (borrow $counter)) (result u32)))
    (import "import-method-counter-get"
      (func $get (param "self" (borrow $counter)) (result u32)))
    (import "import-static-counter-make-pair"
      (func $make-pair (param "a" u32) (param "b" u32) (result (tuple (own $counter) (own $counter)))))
    (import "import-static-counter-merge"
      (func $merge (param "a" (own $counter)) (param "b" (own $counter)) (result (own $counter))))

    (export $e-counter "counter" (type $counter))
    (export "[constructor]counter" (func $constructor)
      (func (param "start" u32) (result (own $e-counter))))
    (export "[method]counter.increment" (func $increment)
      (func (param "self" (borrow $e-counter)) (result u32)))
    (export "[method]counter.get" (func $get)
      (func (param "self" (borrow $e-counter)) (result u32)))
    (export "[static]counter.make-pair" (func $make-pair)
      (func (param "a" u32) (param "b" u32) (result (tuple (own $e-counter) (own $e-counter)))))
    (export "[static]counter.merge" (func $merge)
      (func (param "a" (own $e-counter)) (param "b" (own $e-counter)) (result (own $e-counter))))
  )
  (instance $counters (instantiate $counters-shim
    (with "import-type-counter" (type $counter))
    (with "import-constructor-counter" (func $constructor))
    (with "import-method-counter-increment" (func $increment))
    (with "import-method-counter-get" (func $get))
    (with "import-static-counter-make-pair" (func $make-pair))
    (with "import-static-counter-merge" (func $merge))))

  (export "demo:res/counters" (instance $counters))
  (export "drops" (func $drops))
)
