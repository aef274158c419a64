// The frame around every signed-in page: the navigation rail, a search box that finds images, and <main>, which
// carries data-ready once the page's primary data is shown (see ready.tsx).
import { Boxes, Compass, LayoutDashboard, LogOut, Search, Server, Settings, ShieldAlert } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { signOut } from '../auth/session.ts';
import { ReadyProvider, useIsReady } from './ready.tsx';

const NAV = [
  { to: '/', label: 'Overview', icon: LayoutDashboard, end: true },
  { to: '/images', label: 'Images', icon: Boxes },
  { to: '/vulnerabilities', label: 'Vulnerabilities', icon: ShieldAlert },
  { to: '/environments', label: 'Environments', icon: Server },
  { to: '/settings', label: 'Settings', icon: Settings },
];

export function Layout() {
  return (
    <ReadyProvider>
      <div className="shell">
        <aside className="rail">
          <div className="brand">
            <Compass size={22} /> <span className="label">Sextant</span>
          </div>
          <nav aria-label="Main">
            {NAV.map(({ to, label, icon: Icon, end }) => (
              <NavLink key={to} to={to} end={end ?? false} title={label} className={({ isActive }) => `nav-item${isActive ? ' active' : ''}`}>
                <Icon size={17} /> <span className="label">{label}</span>
              </NavLink>
            ))}
          </nav>
          <SignOutButton />
        </aside>
        <div className="content">
          <TopBar />
          <Main />
        </div>
      </div>
    </ReadyProvider>
  );
}

function Main() {
  const ready = useIsReady();
  return (
    <main data-ready={ready ? 'true' : 'false'}>
      <Outlet />
    </main>
  );
}

function TopBar() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const search = text.trim();
    navigate(search ? `/images?search=${encodeURIComponent(search)}` : '/images');
  };
  return (
    <div className="topbar">
      <form role="search" onSubmit={submit} className="global-search">
        <Search size={15} />
        <input type="search" placeholder="Search images by repository, tag or digest" aria-label="Search images" value={text} onChange={(e) => setText(e.target.value)} />
      </form>
    </div>
  );
}

function SignOutButton() {
  const navigate = useNavigate();
  const client = useQueryClient();
  return (
    <button
      type="button"
      className="nav-item sign-out"
      onClick={() => {
        signOut();
        client.clear();
        navigate('/login');
      }}
    >
      <LogOut size={17} /> <span className="label">Sign out</span>
    </button>
  );
}
