// The dashboard's table: TanStack Table for columns and sorting, TanStack Virtual for long client-side lists (only
// the rows in view are in the DOM). With `manualSorting`, sorting is the server's: the table only reports clicks.
import { flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type ColumnDef, type OnChangeFn, type Row, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { useRef, useState, type ReactNode } from 'react';

/** Lists longer than this scroll inside the table and render only the visible rows. */
const VIRTUAL_FROM = 150;
const ROW_HEIGHT = 37;

export interface DataTableProps<T> {
  data: T[];
  columns: ColumnDef<T, unknown>[];
  /** Server-side sorting: the current sort and the handler (the table does not sort itself). */
  sorting?: SortingState;
  onSortingChange?: OnChangeFn<SortingState>;
  initialSorting?: SortingState;
  empty?: ReactNode;
  rowKey?: (row: T, index: number) => string;
  onRowClick?: (row: T) => void;
  label?: string;
  /** Height of the scrolling area for long lists. */
  height?: number;
}

export function DataTable<T>({ data, columns, sorting, onSortingChange, initialSorting = [], empty, rowKey, onRowClick, label, height = 600 }: DataTableProps<T>) {
  const manual = onSortingChange !== undefined;
  const [localSorting, setLocalSorting] = useState<SortingState>(initialSorting);
  const table = useReactTable({
    data,
    columns,
    state: { sorting: manual ? (sorting ?? []) : localSorting },
    onSortingChange: manual ? onSortingChange : setLocalSorting,
    manualSorting: manual,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    ...(manual ? {} : { getSortedRowModel: getSortedRowModel() }),
    ...(rowKey ? { getRowId: rowKey } : {}),
  });
  const rows = table.getRowModel().rows;
  const virtual = rows.length > VIRTUAL_FROM;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: virtual ? rows.length : 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const renderRow = (row: Row<T>) => (
    <tr key={row.id} className={onRowClick ? 'clickable' : undefined} onClick={onRowClick ? () => onRowClick(row.original) : undefined}>
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id} className={(cell.column.columnDef.meta as { className?: string } | undefined)?.className}>
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  );

  const items = virtual ? virtualizer.getVirtualItems() : [];
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  const colSpan = table.getVisibleLeafColumns().length;

  return (
    <div className={`table-wrap${virtual ? ' scrolling' : ''}`} ref={scrollRef} style={virtual ? { maxHeight: height } : undefined}>
      <table className="data-table" aria-label={label}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sortable = header.column.getCanSort();
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    className={(header.column.columnDef.meta as { className?: string } | undefined)?.className}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  >
                    {header.isPlaceholder ? null : sortable ? (
                      <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        {sorted === 'asc' ? <ArrowUp size={12} /> : sorted === 'desc' ? <ArrowDown size={12} /> : <ArrowUpDown size={12} className="dim" />}
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={colSpan} className="empty-cell">
                {empty ?? 'Nothing to show.'}
              </td>
            </tr>
          ) : virtual ? (
            <>
              {padTop > 0 ? (
                <tr aria-hidden="true">
                  <td colSpan={colSpan} style={{ height: padTop, padding: 0, border: 0 }} />
                </tr>
              ) : null}
              {items.map((item) => renderRow(rows[item.index]!))}
              {padBottom > 0 ? (
                <tr aria-hidden="true">
                  <td colSpan={colSpan} style={{ height: padBottom, padding: 0, border: 0 }} />
                </tr>
              ) : null}
            </>
          ) : (
            rows.map(renderRow)
          )}
        </tbody>
      </table>
    </div>
  );
}
