;; values.wat -- hand-written component-model test fixture for WasmDynamic (issue 12: values, arguments, messages).
;;
;; Exports (WIT):
;;
;;   package demo:values;
;;
;;   interface todo {
;;     enum priority { low, high-ish }
;;     flags tags { urgent, at-home }
;;     record date { day: u8, month: u8 }
;;     variant place { top, index(u32) }
;;     record batch { ids: list<u32>, due: option<date> }
;;     resource board {
;;       constructor();
;;       add: func(title: string, priority: priority, tags: tags, due: option<date>) -> u32;
;;       move: func(to: place) -> u32;
;;       take: func(i: u32) -> result<u32, string>;
;;     }
;;     echo-batch: func(b: batch) -> batch;
;;   }
;;
;;   world fixture {
;;     export todo;                                                   // "demo:values/todo"
;;     export sub: func(a: s32, b: s32) -> s32;                       // a - b
;;     export echo-u32s: func(xs: list<u32>) -> list<u32>;
;;     export echo-u32-lists: func(xs: list<list<u32>>) -> list<list<u32>>;
;;     export echo-pairs: func(xs: list<tuple<u32, s8>>) -> list<tuple<u32, s8>>;
;;     export echo-options: func(xs: list<option<u32>>) -> list<option<u32>>;
;;     export echo-string: func(s: string) -> string;
;;     export fail-unit: func() -> result<u32>;                       // always err
;;     export recurse: func() -> u32;                                 // unbounded recursion
;;     export bad-drop: func();                                       // resource.drop of handle index 3
;;   }
;;
;; board.add returns len(title) * 1000 + priority * 100 + tags * 10 + (due ? due.day : 0);
;; board.move returns case * 1000 + payload; board.take(0) = ok(7), otherwise err("no such item").
;; Every echo stores its (ptr, len) argument in the return area: the lowered list is echoed as it arrived.
;;
;; Canonical ABI: batch is size 12 align 4: ids ptr@0 len@4, due disc@8 day@9 month@10;
;; result<u32, string> is size 12 align 4: disc@0, ok u32@4 | err ptr@4 len@8.
(component
  (core module $impl
    (memory (export "memory") 1)
    (global $ret i32 (i32.const 64))
    (data (i32.const 1024) "no such item")
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

    (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))

    (func (export "echo") (param $ptr i32) (param $len i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $ptr))
      (i32.store offset=4 (global.get $ret) (local.get $len))
      (global.get $ret))

    (func (export "fail-unit") (result i32)
      (i32.store (global.get $ret) (i32.const 1))
      (global.get $ret))

    (func $recurse (export "recurse") (result i32)
      (i32.add (call $recurse) (i32.const 1)))

    (func (export "add")
      (param $self i32) (param $ptr i32) (param $len i32) (param $prio i32) (param $tags i32)
      (param $has-due i32) (param $day i32) (param $month i32) (result i32)
      (i32.add
        (i32.add
          (i32.mul (local.get $len) (i32.const 1000))
          (i32.mul (local.get $prio) (i32.const 100)))
        (i32.add
          (i32.mul (local.get $tags) (i32.const 10))
          (select (local.get $day) (i32.const 0) (local.get $has-due)))))

    (func (export "move") (param $self i32) (param $case i32) (param $payload i32) (result i32)
      (i32.add (i32.mul (local.get $case) (i32.const 1000)) (local.get $payload)))

    (func (export "take") (param $self i32) (param $i i32) (result i32)
      (if (i32.eqz (local.get $i))
        (then
          (i32.store offset=0 (global.get $ret) (i32.const 0))
          (i32.store offset=4 (global.get $ret) (i32.const 7)))
        (else
          (i32.store offset=0 (global.get $ret) (i32.const 1))
          (i32.store offset=4 (global.get $ret) (i32.const 1024))
          (i32.store offset=8 (global.get $ret) (i32.const 12))))
      (global.get $ret))

    (func (export "echo-batch")
      (param $ptr i32) (param $len i32) (param $has-due i32) (param $day i32) (param $month i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get $ptr))
      (i32.store offset=4 (global.get $ret) (local.get $len))
      (i32.store8 offset=8 (global.get $ret) (local.get $has-due))
      (i32.store8 offset=9 (global.get $ret) (local.get $day))
      (i32.store8 offset=10 (global.get $ret) (local.get $month))
      (global.get $ret))

    (func (export "dtor") (param i32))
  )
  (core instance $i (instantiate $impl))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (alias core export $i "dtor" (core func $board-dtor))

  (type $board (resource (rep i32) (dtor (core func $board-dtor))))
  (core func $board-new (canon resource.new $board))
  (core func $board-drop (canon resource.drop $board))

  (core module $glue
    (import "resource" "new" (func $new (param i32) (result i32)))
    (import "resource" "drop" (func $drop (param i32)))
    (func (export "constructor") (result i32) (call $new (i32.const 42)))
    (func (export "bad-drop") (call $drop (i32.const 3)))
  )
  (core instance $glue (instantiate $glue
    (with "resource" (instance
      (export "new" (func $board-new))
      (export "drop" (func $board-drop))))))

  (type $priority (enum "low" "high-ish"))
  (type $tags (flags "urgent" "at-home"))
  (type $date (record (field "day" u8) (field "month" u8)))
  (type $place (variant (case "top") (case "index" u32)))
  (type $batch (record (field "ids" (list u32)) (field "due" (option $date))))

  (func $constructor (result (own $board)) (canon lift (core func $glue "constructor")))
  (func $add (param "self" (borrow $board)) (param "title" string) (param "priority" $priority) (param "tags" $tags)
    (param "due" (option $date)) (result u32)
    (canon lift (core func $i "add") (memory $mem) (realloc $realloc)))
  (func $move (param "self" (borrow $board)) (param "to" $place) (result u32)
    (canon lift (core func $i "move")))
  (func $take (param "self" (borrow $board)) (param "i" u32) (result (result u32 (error string)))
    (canon lift (core func $i "take") (memory $mem) (realloc $realloc)))
  (func $echo-batch (param "b" $batch) (result $batch)
    (canon lift (core func $i "echo-batch") (memory $mem) (realloc $realloc)))

  (component $todo-shim
    (import "import-type-board" (type $board (sub resource)))
    (type $priority-def (enum "low" "high-ish"))
    (import "import-type-priority" (type $priority (eq $priority-def)))
    (type $tags-def (flags "urgent" "at-home"))
    (import "import-type-tags" (type $tags (eq $tags-def)))
    (type $date-def (record (field "day" u8) (field "month" u8)))
    (import "import-type-date" (type $date (eq $date-def)))
    (type $place-def (variant (case "top") (case "index" u32)))
    (import "import-type-place" (type $place (eq $place-def)))
    (type $batch-def (record (field "ids" (list u32)) (field "due" (option $date))))
    (import "import-type-batch" (type $batch (eq $batch-def)))
    (import "import-constructor-board" (func $constructor (result (own $board))))
    (import "import-method-board-add"
      (func $add (param "self" (borrow $board)) (param "title" string) (param "priority" $priority) (param "tags" $tags)
        (param "due" (option $date)) (result u32)))
    (import "import-method-board-move" (func $move (param "self" (borrow $board)) (param "to" $place) (result u32)))
    (import "import-method-board-take"
      (func $take (param "self" (borrow $board)) (param "i" u32) (result (result u32 (error string)))))
    (import "import-func-echo-batch" (func $echo-batch (param "b" $batch) (result $batch)))

    (export $e-board "board" (type $board))
    (export $e-priority "priority" (type $priority))
    (export $e-tags "tags" (type $tags))
    (export $e-date "date" (type $date))
    (export $e-place "place" (type $place))
    (type $e-batch-def (record (field "ids" (list u32)) (field "due" (option $e-date))))
    (export $e-batch "batch" (type $e-batch-def))
    (export "[constructor]board" (func $constructor) (func (result (own $e-board))))
    (export "[method]board.add" (func $add)
      (func (param "self" (borrow $e-board)) (param "title" string) (param "priority" $e-priority) (param "tags" $e-tags)
        (param "due" (option $e-date)) (result u32)))
    (export "[method]board.move" (func $move) (func (param "self" (borrow $e-board)) (param "to" $e-place) (result u32)))
    (export "[method]board.take" (func $take)
      (func (param "self" (borrow $e-board)) (param "i" u32) (result (result u32 (error string)))))
    (export "echo-batch" (func $echo-batch) (func (param "b" $e-batch) (result $e-batch)))
  )
  (instance $todo (instantiate $todo-shim
    (with "import-type-board" (type $board))
    (with "import-type-priority" (type $priority))
    (with "import-type-tags" (type $tags))
    (with "import-type-date" (type $date))
    (with "import-type-place" (type $place))
    (with "import-type-batch" (type $batch))
    (with "import-constructor-board" (func $constructor))
    (with "import-method-board-add" (func $add))
    (with "import-method-board-move" (func $move))
    (with "import-method-board-take" (func $take))
    (with "import-func-echo-batch" (func $echo-batch))))
  (export "demo:values/todo" (instance $todo))

  (func $sub (param "a" s32) (param "b" s32) (result s32) (canon lift (core func $i "sub")))
  (func $echo-u32s (param "xs" (list u32)) (result (list u32))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
  (func $echo-u32-lists (param "xs" (list (list u32))) (result (list (list u32)))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
  (func $echo-pairs (param "xs" (list (tuple u32 s8))) (result (list (tuple u32 s8)))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
  (func $echo-options (param "xs" (list (option u32))) (result (list (option u32)))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
  (func $echo-string (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
  (func $fail-unit (result (result u32)) (canon lift (core func $i "fail-unit") (memory $mem)))
  (func $recurse (result u32) (canon lift (core func $i "recurse")))
  (func $bad-drop (canon lift (core func $glue "bad-drop")))
  (export "sub" (func $sub))
  (export "echo-u32s" (func $echo-u32s))
  (export "echo-u32-lists" (func $echo-u32-lists))
  (export "echo-pairs" (func $echo-pairs))
  (export "echo-options" (func $echo-options))
  (export "echo-string" (func $echo-string))
  (export "fail-unit" (func $fail-unit))
  (export "recurse" (func $recurse))
  (export "bad-drop" (func $bad-drop))
)
